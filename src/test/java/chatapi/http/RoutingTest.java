package chatapi.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import chatapi.ApiVerticle;
import chatapi.config.AppConfig;
import chatapi.longpoll.ParkedPolls;
import chatapi.support.LogCapture;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("Routing, errors and health")
class RoutingTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    @Test
    @DisplayName("an unknown route is a 404 with the error shape")
    void unknownRoute(VertxTestContext ctx) {
        app.get("/api/v1/NoSuchThing/1").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(404, resp.status());
            assertEquals("application/json; charset=utf-8", resp.header("Content-Type"));
            assertEquals(error("SoNotFoundException", "No resource at GET /api/v1/NoSuchThing/1"), resp.json());
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("a path that cannot be decoded (%zz) is a 400 with the error shape naming it, on every route and method; nothing is logged but its access line")
    void undecodablePath(VertxTestContext ctx) {
        LogCapture log = LogCapture.root();
        io.vertx.core.Future.all(
                        app.get("/api/v1/ChatSession/%zz"),
                        app.get("/api/v1/ChatSession/1/Messages%zz?after=0&wait=0"),
                        app.request(HttpMethod.POST, "/api/v1/ChatSession/1/Messages/%",
                                io.vertx.core.buffer.Buffer.buffer("{\"Message\":\"x\"}"), "Content-Type", "application/json"),
                        app.get("/no/such/%zz/thing"))
                .andThen(done -> log.close())
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    String[] paths = {"/api/v1/ChatSession/%zz", "/api/v1/ChatSession/1/Messages%zz",
                        "/api/v1/ChatSession/1/Messages/%", "/no/such/%zz/thing"};
                    for (int i = 0; i < paths.length; i++) {
                        TestApp.Response resp = all.resultAt(i);
                        assertEquals(400, resp.status(), paths[i]);
                        assertEquals("application/json; charset=utf-8", resp.header("Content-Type"), paths[i]);
                        assertEquals(error("BadRequest", "Malformed path: " + paths[i]), resp.json());
                    }
                    assertEquals(java.util.List.of(), log.atLeast(Level.WARN),
                            "nothing logged at WARN or above");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a wrong method on a known route is a 405 with the error shape")
    void wrongMethod(VertxTestContext ctx) {
        app.request(HttpMethod.DELETE, "/api/v1/ChatSession/1/Messages", null)
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertEquals(405, resp.status());
                    assertEquals(error("MethodNotAllowed", "Method not allowed: DELETE /api/v1/ChatSession/1/Messages"),
                            resp.json());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("live and ready answer 200 while the database answers, without credentials")
    void healthUp(VertxTestContext ctx) {
        app.get("/health/live").compose(live -> app.get("/health/ready").map(ready -> {
            ctx.verify(() -> {
                assertEquals(200, live.status());
                assertEquals("UP", live.json().getString("status"));
                assertEquals(200, ready.status());
                assertEquals(new JsonObject().put("status", "UP")
                                .put("checks", new JsonObject().put("database", "UP").put("listener", "UP")).put("parked", 0),
                        ready.json());
            });
            return ready;
        })).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("the OpenAPI document is served at /api/v1/openapi.json without credentials")
    void openApiServed(VertxTestContext ctx) {
        app.get("/api/v1/openapi.json", "Authorization", null).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(200, resp.status());
            assertEquals("3.0.3", resp.json().getString("openapi"));
            assertEquals(true, resp.json().getJsonObject("paths").containsKey("/api/v1/ChatSession/{id}/Messages"));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("ready answers 503 and live 200 when the database does not answer; a Basic login that cannot be checked is 503, not 401")
    void readyDownWithoutDatabase(Vertx vertx, VertxTestContext ctx) throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        AppConfig noDatabase = AppConfig.fromJson(new JsonObject()
                .put("httpHost", "127.0.0.1").put("httpPort", 0).put("pgHost", "127.0.0.1").put("pgPort", deadPort));
        AtomicInteger port = new AtomicInteger();
        HttpClient client = vertx.createHttpClient();
        vertx.deployVerticle(new ApiVerticle(noDatabase, ApiVerticle.Shared.create(vertx, noDatabase, new ParkedPolls(10),
                        new AppTokens(new SimpleMeterRegistry()), () -> false, chatapi.ops.Metrics.registry()), port::set))
                .compose(id -> client.request(HttpMethod.GET, port.get(), "127.0.0.1", "/health/ready"))
                .compose(req -> req.send().compose(resp -> resp.body().map(body -> {
                    ctx.verify(() -> {
                        assertEquals(503, resp.statusCode());
                        assertEquals("DOWN", body.toJsonObject().getString("status"));
                    });
                    return body;
                })))
                .compose(v -> client.request(HttpMethod.GET, port.get(), "127.0.0.1", "/health/live"))
                .compose(req -> req.send().map(resp -> {
                    ctx.verify(() -> assertEquals(200, resp.statusCode()));
                    return resp;
                }))
                .compose(v -> client.request(new io.vertx.core.http.RequestOptions().setPort(port.get())
                        .setHost("127.0.0.1").setURI("/api/v1/ChatSession/1")
                        .addHeader("Authorization", "Basic dGplMDpUamUw")))
                .compose(req -> req.send().compose(resp -> resp.body().map(body -> {
                    ctx.verify(() -> {
                        assertEquals(503, resp.statusCode(), "Basic cannot be checked without the database: " + body);
                        assertEquals("1", resp.getHeader("Retry-After"));
                    });
                    return body;
                })))
                .onComplete(ctx.succeedingThenComplete());
    }

    private static JsonObject error(String type, String message) {
        return new JsonObject().put("Error", true).put("ErrorType", type).put("ErrorMessage", message)
                .put("ErrorSource", "chat-api");
    }
}
