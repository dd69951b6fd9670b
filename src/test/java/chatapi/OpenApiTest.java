package chatapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chatapi.chat.LongPoll;
import chatapi.config.AppConfig;
import chatapi.db.Database;
import chatapi.http.AppTokens;
import chatapi.ops.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.SqlClient;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("The OpenAPI document")
class OpenApiTest {

    @Test
    @DisplayName("documents every route of the router, and every documented route exists")
    void documentMatchesRouter(Vertx vertx) {
        AppConfig config = AppConfig.fromJson(new JsonObject().put("httpPort", 0));
        ApiVerticle verticle = new ApiVerticle(config, ApiVerticle.Shared.create(vertx, config, new LongPoll(1),
                new AppTokens(new SimpleMeterRegistry()), () -> true, Metrics.registry()), port -> { });
        verticle.init(vertx, vertx.getOrCreateContext());
        Buffer document = vertx.fileSystem().readFileBlocking(ApiVerticle.OPENAPI);
        SqlClient pool = Database.pool(vertx, config); // built, never connected
        Router router = verticle.router(pool, document);

        Set<String> routed = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            if (route.getPath() == null || !route.isExactPath() || route.methods() == null) {
                continue; // middleware: body reading, negotiation, authentication, access log, errors
            }
            if (route.getPath().startsWith("/widget")) {
                continue; // the reference widget's pages, not part of the API
            }
            route.methods().forEach(m -> routed.add(m.name() + " " + route.getPath()));
        }
        Set<String> documented = new TreeSet<>();
        new JsonObject(document).getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).fieldNames()
                .forEach(method -> documented.add(method.toUpperCase() + " "
                        + path.getKey().replaceAll("\\{(\\w+)}", ":$1"))));
        assertEquals(documented, routed);
        pool.close();
    }
}
