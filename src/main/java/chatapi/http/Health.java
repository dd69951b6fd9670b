package chatapi.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * GET /health/live (the process runs) and GET /health/ready (the database answers and the LISTEN
 * connection is up; the body also says how many requests are parked on this instance).
 */
public final class Health {

    private static final long READY_TIMEOUT_MS = 2_000;

    private final SqlClient pool;
    private final BooleanSupplier listening;
    private final IntSupplier parked;

    public Health(SqlClient pool, BooleanSupplier listening, IntSupplier parked) {
        this.pool = pool;
        this.listening = listening;
        this.parked = parked;
    }

    public void live(RoutingContext ctx) {
        Json.send(ctx, 200, "Health", g -> {
            g.writeStartObject();
            g.writeStringField("status", "UP");
            g.writeEndObject();
        });
    }

    public void ready(RoutingContext ctx) {
        pool.query("SELECT 1").execute()
                .timeout(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .onComplete(result -> {
                    boolean database = result.succeeded();
                    boolean listener = listening.getAsBoolean();
                    Json.send(ctx, database && listener ? 200 : 503, "Health", g -> {
                        g.writeStartObject();
                        g.writeStringField("status", database && listener ? "UP" : "DOWN");
                        g.writeObjectFieldStart("checks");
                        g.writeStringField("database", database ? "UP" : "DOWN");
                        g.writeStringField("listener", listener ? "UP" : "DOWN");
                        g.writeEndObject();
                        g.writeNumberField("parked", parked.getAsInt());
                        g.writeEndObject();
                    });
                });
    }
}
