package chatapi.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import chatapi.Application;
import chatapi.http.AppTokens;
import chatapi.support.TestDatabase;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The server as Main runs it: Vert.x reporting into the Prometheus registry served at /metrics. */
@ExtendWith(VertxExtension.class)
@DisplayName("Operations: metrics and logs")
class OperationsTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    static final String PASSWORD = "Tje0";
    static final String MESSAGE = "a private message 7f3a";
    static final String APP_TOKEN = "app-token-secret-91b2";
    static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    static Vertx vertx;
    static Application app;
    static HttpClient client;

    @BeforeAll
    static void start(VertxTestContext ctx) {
        LOGS.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
        ((Logger) LoggerFactory.getLogger("chatapi.access")).addAppender(LOGS); // its own appender, not the root's
        PrometheusMeterRegistry registry = Metrics.registry();
        vertx = Metrics.vertx(registry);
        Application.start(vertx, DB.config(), registry).onComplete(ctx.succeeding(started -> {
            app = started;
            client = vertx.createHttpClient();
            ctx.completeNow();
        }));
    }

    @AfterAll
    static void stop(VertxTestContext ctx) {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
        ((Logger) LoggerFactory.getLogger("chatapi.access")).detachAppender(LOGS);
        client.close().compose(v -> app.stop()).compose(v -> vertx.close()).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("/metrics shows HTTP by route, the pool, and the long-poll meters; no log line carries a secret or a message")
    void metricsAndLogs(VertxTestContext ctx) {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("tje0:" + PASSWORD).getBytes());
        onLoop()
                .compose(v -> send(HttpMethod.GET, "/api/v1/ChatSession/1", null, basic))
                .compose(v -> send(HttpMethod.GET, "/api/v1/ChatSession/abc", null, basic))
                .compose(v -> send(HttpMethod.GET, "/api/v1/ChatSession/1", null, "Basic " + java.util.Base64
                        .getEncoder().encodeToString("tje0:wrong-password-x9".getBytes())))
                .compose(v -> send(HttpMethod.POST, "/api/v1/Authenticate", null, basic))
                .compose(authenticated -> {
                    String ticket = new io.vertx.core.json.JsonObject(authenticated).getString("Ticket");
                    Future<String> poll = send(HttpMethod.GET, "/api/v1/ChatSession/2/Messages?after=0&wait=20", null,
                            "SOTicket " + ticket);
                    return awaitParked(1)
                            .compose(v -> send(HttpMethod.POST, "/api/v1/ChatSession/2/Messages",
                                    "{\"Message\":\"" + MESSAGE + "\"}", basic))
                            .compose(v -> poll)
                            .map(v -> ticket);
                })
                .compose(ticket -> send(HttpMethod.GET, "/metrics", null, null).map(metrics -> {
                    ctx.verify(() -> {
                        assertTrue(metrics.contains("vertx_http_server_requests_total"), "HTTP server metrics");
                        // Vert.x joins every route a request passed through with '>': the route's name (its OpenAPI
                        // operationId) comes last.
                        assertTrue(metrics.contains(">getChatSession\"}"), "labelled by route name");
                        assertTrue(metrics.contains(">getChatMessages\"}"), "the long-poll labelled by its name");
                        assertTrue(metrics.contains("vertx_pool_"), "pool metrics");
                        assertTrue(metrics.contains("chat_longpoll_parked 0.0"), "parked gauge");
                        assertTrue(metrics.contains("chat_longpoll_wakeups_total 1.0"), "wake-up counter");
                        assertTrue(metrics.contains("chat_longpoll_timeouts_total"), "timeouts");
                        assertTrue(metrics.contains("chat_longpoll_rejections_total"), "rejections");
                        assertTrue(metrics.contains("chat_longpoll_wake_latency_seconds_count 1"), "wake latency");
                        assertTrue(metrics.contains("chat_app_requests_total{app=\"" + AppTokens.fingerprint(APP_TOKEN)
                                + "\"}"), "requests per app");
                        List<String> lines = LOGS.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
                        assertTrue(lines.stream().anyMatch(l -> l.startsWith("GET /api/v1/ChatSession/:id 200 ")),
                                "an access line with the route template: " + lines);
                        assertTrue(lines.stream().anyMatch(l -> l.startsWith("GET /api/v1/ChatSession/abc 400 ")),
                                "a failed request is logged with its path: " + lines);
                        assertTrue(lines.stream().anyMatch(l -> l.startsWith("GET /api/v1/ChatSession/{id} 401 ")),
                                "numeric segments of unmatched paths become {id}: " + lines);
                        for (ILoggingEvent event : LOGS.list) {
                            String line = event.getFormattedMessage()
                                    + (event.getThrowableProxy() != null ? event.getThrowableProxy().getMessage() : "");
                            for (String secret : List.of(PASSWORD + "\u0000", "wrong-password-x9", ticket.substring(3),
                                    MESSAGE, APP_TOKEN, basic.substring(6))) {
                                assertFalse(line.contains(secret), "a log line holds a secret: " + line);
                            }
                        }
                    });
                    return metrics;
                }))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("SO-AppToken is counted after authentication: 1,001 anonymous apps take none of the 1,000 app slots")
    void appTokensCountedAfterAuthentication(VertxTestContext ctx) {
        List<Future<String>> anonymous = new java.util.ArrayList<>();
        for (int i = 0; i < 1_001; i++) {
            RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(app.port())
                    .setURI("/api/v1/ChatSession/1").addHeader("SO-AppToken", "anonymous-app-" + i);
            anonymous.add(client.request(options).compose(req -> req.send())
                    .map(resp -> Integer.toString(resp.statusCode())));
        }
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("tje0:" + PASSWORD).getBytes());
        Future.all(anonymous)
                .compose(all -> {
                    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(app.port())
                            .setURI("/api/v1/ChatSession/1").addHeader("SO-AppToken", "a-real-app")
                            .addHeader("Authorization", basic);
                    return client.request(options).compose(req -> req.send()).compose(resp -> resp.body());
                })
                .compose(v -> send(HttpMethod.GET, "/metrics", null, null))
                .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
                    anonymous.forEach(f -> assertEquals("401", f.result()));
                    assertFalse(metrics.contains(AppTokens.fingerprint("anonymous-app-0")), "anonymous apps are not counted");
                    assertTrue(metrics.contains("chat_app_requests_total{app=\"" + AppTokens.fingerprint("a-real-app")
                            + "\"} 1.0"), "the authenticated app has its own slot");
                    ctx.completeNow();
                })));
    }

    private static Future<Void> onLoop() {
        Promise<Void> p = Promise.promise();
        vertx.runOnContext(v -> p.complete());
        return p.future();
    }

    private static Future<String> send(HttpMethod method, String uri, String body, String authorization) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(app.port())
                .setURI(uri).addHeader("SO-AppToken", APP_TOKEN);
        if (authorization != null) {
            options.addHeader("Authorization", authorization);
        }
        if (body != null) {
            options.addHeader("Content-Type", "application/json");
        }
        return client.request(options)
                .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
                .compose(resp -> resp.body().map(Buffer::toString));
    }

    private static Future<Void> awaitParked(int count) {
        Promise<Void> done = Promise.promise();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        check(count, deadline, done);
        return done.future();
    }

    private static void check(int count, long deadline, Promise<Void> done) {
        if (app.longPoll().parked() >= count) {
            done.complete();
        } else if (System.nanoTime() > deadline) {
            done.fail(new AssertionError("not parked"));
        } else {
            vertx.setTimer(5, id -> check(count, deadline, done));
        }
    }
}
