package chatapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chatapi.config.AppConfig;
import chatapi.db.Database;
import chatapi.http.AppTokens;
import chatapi.longpoll.ParkedPolls;
import chatapi.ops.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.SqlClient;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("The OpenAPI document")
class OpenApiTest {

    @Test
    @DisplayName("documents every route of the router, every documented route exists, each named by its operationId")
    void documentMatchesRouter(Vertx vertx) {
        AppConfig config = AppConfig.fromJson(new JsonObject().put("httpPort", 0));
        ApiVerticle verticle = new ApiVerticle(config, ApiVerticle.Shared.create(vertx, config, new ParkedPolls(1),
                new AppTokens(new SimpleMeterRegistry()), () -> true, Metrics.registry()), port -> { });
        verticle.init(vertx, vertx.getOrCreateContext());
        Buffer document = vertx.fileSystem().readFileBlocking(ApiVerticle.OPENAPI);
        SqlClient pool = Database.pool(vertx, config); // built, never connected
        Router router = verticle.router(pool, document);

        Set<String> routed = new TreeSet<>();
        Map<String, String> names = new TreeMap<>();
        for (Route route : router.getRoutes()) {
            if (route.getPath() == null || !route.isExactPath() || route.methods() == null) {
                continue; // middleware: body reading, negotiation, authentication, access log, errors
            }
            if (route.getPath().startsWith("/widget")) {
                continue; // the reference widget's pages, not part of the API
            }
            route.methods().forEach(m -> {
                routed.add(m.name() + " " + route.getPath());
                names.put(m.name() + " " + route.getPath(), route.getName());
            });
        }
        Set<String> documented = new TreeSet<>();
        Map<String, String> operationIds = new TreeMap<>();
        new JsonObject(document).getJsonObject("paths").forEach(path -> {
            JsonObject operations = (JsonObject) path.getValue();
            operations.fieldNames().forEach(method -> {
                String route = method.toUpperCase() + " " + path.getKey().replaceAll("\\{(\\w+)}", ":$1");
                documented.add(route);
                operationIds.put(route, operations.getJsonObject(method).getString("operationId"));
            });
        });
        assertEquals(documented, routed);
        // Each route is named by its operation's id: the name is the metrics' route label.
        assertEquals(operationIds, names);
        assertEquals(operationIds.size(), Set.copyOf(operationIds.values()).size(), "operationIds are unique");
        pool.close();
    }
}
