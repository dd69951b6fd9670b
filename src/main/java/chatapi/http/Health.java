package chatapi.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/** GET /health/live (the process runs) and GET /health/ready (the database answers). */
public final class Health {

    private static final long READY_TIMEOUT_MS = 2_000;

    private final Pool pool;

    public Health(Pool pool) {
        this.pool = pool;
    }

    public void live(RoutingContext ctx) {
        Json.send(ctx, 200, g -> {
            g.writeStartObject();
            g.writeStringField("status", "UP");
            g.writeEndObject();
        });
    }

    public void ready(RoutingContext ctx) {
        pool.query("SELECT 1").execute()
                .timeout(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .onComplete(result -> Json.send(ctx, result.succeeded() ? 200 : 503, g -> {
                    g.writeStartObject();
                    g.writeStringField("status", result.succeeded() ? "UP" : "DOWN");
                    g.writeObjectFieldStart("checks");
                    g.writeStringField("database", result.succeeded() ? "UP" : "DOWN");
                    g.writeEndObject();
                    g.writeEndObject();
                }));
    }
}
