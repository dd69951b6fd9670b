package chatapi.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import chatapi.support.TestApp.Response;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * conf/nginx.conf (the load balancer of docker-compose.yml) run by Debian's nginx in front of a test server,
 * its compose host names swapped for loopback: what it lets through and what it keeps internal.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("conf/nginx.conf in front of chat-api: /metrics stays internal under every spelling; the API and event streams pass")
class NginxConfigTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    @TempDir
    static Path dir;

    static Process nginx;
    static int port;

    @BeforeAll
    static void startNginx() throws Exception {
        String binary = nginx();
        port = freePort();
        String conf = Files.readString(Path.of("conf/nginx.conf"))
                .replaceAll("chat-api-[0-9]:8080", "127.0.0.1:" + app.port())
                .replace("listen 80;", "listen 127.0.0.1:" + port + ";")
                .replace("worker_processes auto;", "worker_processes 1;");
        Path file = Files.writeString(dir.resolve("nginx.conf"), conf);
        Files.createDirectories(dir.resolve("logs"));
        nginx = new ProcessBuilder(binary, "-p", dir.toString(), "-c", file.toString(), "-g",
                "daemon off; pid " + dir.resolve("nginx.pid") + "; error_log " + dir.resolve("logs/error.log") + ";")
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
    }

    @AfterAll
    static void stopNginx() throws InterruptedException {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("/metrics, /metrics/, /metrics/x, /metrics?x, //metrics, /%6detrics and /./metrics are 404 at the balancer; health and the API answer through it")
    void metricsStayInternal(Vertx vertx, VertxTestContext ctx) {
        HttpClient client = vertx.createHttpClient();
        List<String> hidden = List.of("/metrics", "/metrics/", "/metrics/x", "/metrics?format=text", "//metrics",
                "/%6detrics", "/./metrics", "/api/../metrics");
        ready(client, System.nanoTime() + TimeUnit.SECONDS.toNanos(10))
                .compose(v -> {
                    List<Future<Response>> answers = new ArrayList<>();
                    hidden.forEach(uri -> answers.add(get(client, uri, null)));
                    answers.add(get(client, "/health/ready", null));
                    answers.add(get(client, "/api/v1/ChatSession/1", "Basic dGplMDpUamUw"));
                    answers.add(app.get("/metrics")); // the instance itself still serves it, for the scraper
                    return Future.all(answers).map(all -> answers);
                })
                .eventually(client::close)
                .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
                    for (int i = 0; i < hidden.size(); i++) {
                        Response r = answers.get(i).result();
                        assertEquals(404, r.status(), hidden.get(i));
                        assertFalse(r.body().toString().contains("chat_longpoll"), hidden.get(i));
                    }
                    assertEquals(200, answers.get(hidden.size()).result().status());
                    assertEquals(200, answers.get(hidden.size() + 1).result().status());
                    assertEquals(200, answers.get(hidden.size() + 2).result().status());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("an event stream passes through unbuffered: a message posted after it opened arrives through nginx")
    void eventStreamsPassUnbuffered(Vertx vertx, VertxTestContext ctx) {
        HttpClient client = vertx.createHttpClient();
        int session = DB.newSession();
        ready(client, System.nanoTime() + TimeUnit.SECONDS.toNanos(10))
                .compose(v -> chatapi.support.EventStreamClient.open(vertx, port,
                        "/api/v1/ChatSession/" + session + "/Messages", "Authorization", app.agentAuthorization()))
                .compose(stream -> app.awaitCondition(() -> app.longPoll().streams() == 1, "stream open")
                        .compose(v -> app.post("/api/v1/ChatSession/" + session + "/Messages",
                                "{\"Message\":\"through nginx\",\"Type\":\"ToCustomer\"}"))
                        .compose(posted -> stream.awaitEvents("message", 1).map(events -> {
                            ctx.verify(() -> {
                                assertEquals(200, stream.status());
                                assertEquals("text/event-stream; charset=utf-8", stream.header("Content-Type"));
                                assertEquals(posted.json(), events.get(0).json());
                            });
                            return stream;
                        }))
                        .compose(chatapi.support.EventStreamClient::close))
                .eventually(client::close)
                .onComplete(ctx.succeedingThenComplete());
    }

    /** Until nginx answers (it starts in a separate process), polled every 50 ms for at most 10 s. */
    private static Future<Void> ready(HttpClient client, long deadline) {
        return get(client, "/health/live", null).transform(r -> {
            if (r.succeeded() && r.result().status() == 200) {
                return Future.succeededFuture();
            }
            if (System.nanoTime() > deadline || !nginx.isAlive()) {
                return Future.failedFuture(new AssertionError("nginx did not come up: " + log()));
            }
            Promise<Void> again = Promise.promise();
            app.vertx().setTimer(50, id -> ready(client, deadline).onComplete(again));
            return again.future();
        });
    }

    private static Future<Response> get(HttpClient client, String uri, String authorization) {
        RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
        if (authorization != null) {
            options.addHeader("Authorization", authorization);
        }
        return client.request(options).compose(req -> req.send())
                .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b)));
    }

    /** Debian's nginx, or a failure saying how to get it (or skip this test). */
    private static String nginx() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        org.junit.jupiter.api.Assumptions.assumeFalse("skip".equals(System.getProperty("chat.nginx")),
                "nginx tests skipped (-Dchat.nginx=skip)");
        throw new IllegalStateException("This test runs conf/nginx.conf in Debian's nginx: apt-get install nginx "
                + "(.ci/run installs it), or skip it with -Dchat.nginx=skip");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String log() {
        try {
            return Files.readString(dir.resolve("logs/error.log")) + Files.readString(dir.resolve("logs/stdout.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
