package chatapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.EventStreamClient;
import chatapi.support.ServerProcess;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server as its own process, started by {@code chatapi.Main} the way the jar starts it. */
@ExtendWith(VertxExtension.class)
@DisplayName("The server process")
class ServerProcessTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final int PARKED = 2_000;

    private ServerProcess process;
    private Process server;
    private Path log;

    @AfterEach
    void kill() throws IOException {
        if (process != null) {
            process.close();
        }
    }

    @Test
    @DisplayName("SIGTERM with 2,000 parked: every one answered [] within a second, an event stream ended after a comment, a new request is not parked, no connection afterwards, exit 0; logs are JSON lines when asked")
    void sigtermDrainsParkedRequests(Vertx vertx, VertxTestContext ctx) throws Exception {
        start();
        int port = process.port();
        HttpClient client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(PARKED + 5));
        List<Future<Answer>> polls = new ArrayList<>();
        List<EventStreamClient> stream = new ArrayList<>();
        // The exchange runs on an event loop: a response body read from the test thread may be missed.
        Promise<Void> onLoop = Promise.promise();
        vertx.runOnContext(v -> onLoop.complete());
        onLoop.future()
                .compose(v -> process.awaitParked(vertx, client, 0))
                .compose(v -> {
                    for (int i = 0; i < PARKED; i++) {
                        polls.add(get(client, port, "/api/v1/ChatSession/1/Messages?after=3&wait=60"));
                    }
                    return process.awaitParked(vertx, client, PARKED);
                })
                .compose(v -> EventStreamClient.open(vertx, port, "/api/v1/ChatSession/1/Messages?after=3",
                        "Authorization", "Basic dGplMDpUamUw"))
                .compose(open -> {
                    stream.add(open);
                    return open.await(all -> !all.isEmpty() || open.status() == 200);
                })
                .compose(v -> vertx.executeBlocking(() -> {
                    long signalled = System.nanoTime();
                    server.destroy(); // SIGTERM
                    return signalled;
                }))
                .compose(signalled -> {
                    // A request that arrives while the server drains is refused or answered at once, never parked.
                    HttpClient late = vertx.createHttpClient();
                    Future<Answer> during = get(late, port, "/api/v1/ChatSession/1/Messages?after=3&wait=60");
                    Future<List<EventStreamClient.Event>> streamed = stream.get(0).ended()
                            .compose(v -> stream.get(0).events());
                    return Future.all(polls).compose(all -> streamed).compose(events -> during.transform(ar -> {
                        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
                        ctx.verify(() -> {
                            assertEquals(200, stream.get(0).status());
                            assertEquals("server stopping, reconnect", events.get(events.size() - 1).comment());
                            assertTrue(ms < 2_000, "the request sent while draining ended " + ms + " ms after SIGTERM");
                            if (ar.succeeded()) {
                                assertTrue(ar.result().status() == 503 || ar.result().body().equals("[]"),
                                        ar.result().status() + " " + ar.result().body());
                            }
                        });
                        return late.close();
                    })).map(v -> signalled);
                })
                .compose(signalled -> vertx.executeBlocking(() -> {
                    long answeredMs = polls.stream().mapToLong(p -> p.result().atNanos()).max().orElseThrow();
                    answeredMs = TimeUnit.NANOSECONDS.toMillis(answeredMs - signalled);
                    boolean exited = server.waitFor(10, TimeUnit.SECONDS);
                    ctx.verify(() -> {
                        for (Future<Answer> p : polls) {
                            assertEquals(200, p.result().status());
                            assertEquals("[]", p.result().body());
                        }
                        assertTrue(exited, "the process exits within 10 s");
                        assertEquals(0, server.exitValue(), "exit status; log:\n" + Files.readString(log));
                        // CHAT_LOG_FORMAT=json: every line is a JSON object.
                        List<io.vertx.core.json.JsonObject> lines = Files.readAllLines(log).stream()
                                .filter(l -> !l.isBlank()).map(io.vertx.core.json.JsonObject::new).toList();
                        assertTrue(lines.stream().anyMatch(l -> "chatapi.access".equals(l.getString("loggerName"))
                                && l.getString("formattedMessage").startsWith("GET /api/v1/ChatSession/:id/Messages 200")),
                                "access lines in JSON");
                    });
                    System.out.println("ServerProcessTest R3: " + PARKED + " parked requests answered within "
                            + answeredMs + " ms of SIGTERM");
                    assertTrue(answeredMs < 1_000, "parked requests answered " + answeredMs + " ms after SIGTERM");
                    return null;
                }))
                .compose(v -> get(client, port, "/health/live").map(a -> a.status())
                        .transform(ar -> {
                            ctx.verify(() -> assertTrue(ar.failed(), "no new connection after the stop"));
                            return Future.succeededFuture();
                        }))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("The first scrape of /metrics holds the JVM's meters, bound for it, beside Vert.x's")
    void jvmMetersAtFirstScrape() throws Exception {
        start();
        process.awaitReady();
        java.net.http.HttpRequest scrape = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + process.port() + "/metrics"))
                .timeout(java.time.Duration.ofSeconds(10)).build();
        String metrics = java.net.http.HttpClient.newHttpClient()
                .send(scrape, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        for (String family : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
                "jvm_gc_overhead", "process_uptime_seconds", "system_cpu_count", "vertx_http_server_requests_total")) {
            assertTrue(metrics.contains(family), family + " in:\n" + metrics);
        }
        assertEquals(0, process.stop(), "exit status");
    }

    private void start() throws IOException {
        process = ServerProcess.start(DB, Map.of("CHAT_LOG_FORMAT", "json"));
        server = process.process();
        log = process.log();
    }

    private static Future<Answer> get(HttpClient client, int port, String uri) {
        return client.request(HttpMethod.GET, port, "127.0.0.1", uri)
                .compose(req -> req.putHeader("Authorization", "Basic dGplMDpUamUw").send().compose(HttpClientResponse::body)
                        .map(body -> new Answer(req.response().result().statusCode(), body.toString(), System.nanoTime())));
    }

    private record Answer(int status, String body, long atNanos) {
    }
}
