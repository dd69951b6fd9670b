package chatapi.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.Await;
import chatapi.support.TestApp.Response;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * R1 and R5: the database goes away and comes back. The outage is real for this database: it stops
 * accepting connections ({@code ALLOW_CONNECTIONS false}) and every backend serving it is terminated,
 * the server's pool and LISTEN connection included; then it accepts connections again.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Reliability: the database goes away and comes back")
class DatabaseOutageTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    @AfterEach
    void databaseBack() throws SQLException {
        outage(false);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    @DisplayName("R5: with the database down, requests answer 503 with the error shape within 1 s, /health/ready is 503, and service comes back by itself")
    void databaseDown(Vertx vertx, VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        outage(true);
        List<Future<Timed>> during = List.of(
                timed(() -> app.get("/api/v1/ChatSession/" + session)),
                timed(() -> app.get("/api/v1/ChatSession/" + session + "/Messages?after=0")),
                timed(() -> app.post("/api/v1/ChatSession/" + session + "/Messages", "{\"Message\":\"while down\"}")),
                timed(() -> app.get("/health/ready", "Authorization", null)));
        Future.all(during).compose(all -> {
            ctx.verify(() -> {
                for (int i = 0; i < 3; i++) {
                    Timed t = during.get(i).result();
                    assertEquals(503, t.response.status(), t.response.body().toString());
                    assertTrue(t.millis < 1000, "answered after " + t.millis + " ms");
                    JsonObject error = t.response.json();
                    assertEquals(true, error.getBoolean("Error"));
                    assertEquals("ServiceUnavailable", error.getString("ErrorType"));
                    assertEquals("chat-api", error.getString("ErrorSource"));
                    assertEquals("1", t.response.header("Retry-After"));
                }
                System.out.println("DatabaseOutageTest R5: answered in " + during.stream()
                        .map(f -> f.result().millis + " ms").toList() + " (entity, messages, post, ready)");
                Timed ready = during.get(3).result();
                assertEquals(503, ready.response.status());
                assertTrue(ready.millis < 1000, "ready answered after " + ready.millis + " ms");
                assertEquals("DOWN", ready.response.json().getJsonObject("checks").getString("database"));
            });
            return blocking(vertx, () -> outage(false));
        }).compose(v -> until(vertx, () -> app.get("/health/ready", "Authorization", null), 200, 15_000))
                .compose(v -> app.post("/api/v1/ChatSession/" + session + "/Messages", "{\"Message\":\"back\"}"))
                .onComplete(ctx.succeeding(posted -> ctx.verify(() -> {
                    assertEquals(200, posted.status(), posted.body().toString());
                    assertEquals(List.of("back"), messagesIn(session));
                    ctx.completeNow();
                })));
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    @DisplayName("R1: 1,000 widget loops (chat.outage.clients) on 20 sessions, a steady writer, every backend terminated: every message reaches every client once, in order")
    void widgetLoopsThroughAnOutage(Vertx vertx, VertxTestContext ctx) throws Exception {
        int sessions = 20;
        // 1,000 in the suite; the longer run: mvn -B verify -Dtest=DatabaseOutageTest -Dchat.outage.clients=5000
        int clientsPerSession = Integer.getInteger("chat.outage.clients", 1_000) / sessions;
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            ids.add(DB.newSession());
        }
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(sessions * clientsPerSession + 10));
        AtomicBoolean writing = new AtomicBoolean(true);
        Writer writer = new Writer(ids, writing);
        List<Loop> loops = new ArrayList<>();
        Promise<Void> started = Promise.promise();
        vertx.runOnContext(v -> {
            for (int session : ids) {
                for (int c = 0; c < clientsPerSession; c++) {
                    Loop loop = new Loop(vertx, client, session);
                    loops.add(loop);
                    loop.poll();
                }
            }
            started.complete();
        });
        started.future()
                .compose(v -> app.awaitParked(sessions * clientsPerSession))
                .compose(v -> blocking(vertx, writer::start))
                .compose(v -> writer.awaitWritten(vertx, 100))
                .compose(v -> blocking(vertx, () -> outage(true)))
                .compose(v -> writer.awaitFailures(vertx, 5))
                .compose(v -> blocking(vertx, () -> outage(false)))
                .compose(v -> writer.awaitWritten(vertx, writer.written() + 100))
                .compose(v -> blocking(vertx, () -> {
                    writing.set(false);
                    writer.join();
                }))
                .compose(v -> blocking(vertx, () -> {
                    Map<Integer, List<Integer>> truth = DB.messageIds(ids);
                    for (Loop loop : loops) {
                        loop.target = truth.get(loop.session);
                    }
                }))
                .compose(v -> Future.all(loops.stream().map(loop -> loop.done.future()).toList()))
                .eventually(() -> client.close())
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    Map<Integer, List<Integer>> truth = DB.messageIds(ids);
                    int total = truth.values().stream().mapToInt(List::size).sum();
                    assertTrue(total >= 200, "the writer committed " + total);
                    for (Loop loop : loops) {
                        assertEquals(truth.get(loop.session), loop.received,
                                "client of session " + loop.session + " (after " + loop.errors + " errors)");
                    }
                    System.out.printf("DatabaseOutageTest R1: %d clients, %d messages committed, %d requests"
                            + " failed and were retried during the outage%n", loops.size(), total,
                            loops.stream().mapToInt(l -> l.errors).sum());
                    List<String> bad = loops.stream().flatMap(l -> l.unexpected.stream()).distinct().toList();
                    assertEquals(List.of(), bad, "every failed request was a 503 with the error shape");
                    ctx.completeNow();
                })));
    }

    /** One widget: polls with after = the last id it has seen, retries after errors, until it has the target. */
    private static final class Loop {
        final Vertx vertx;
        final HttpClient client;
        final int session;
        final List<Integer> received = new ArrayList<>();
        final List<String> unexpected = new ArrayList<>();
        final Promise<Void> done = Promise.promise();
        volatile List<Integer> target;
        int errors;
        int last;

        Loop(Vertx vertx, HttpClient client, int session) {
            this.vertx = vertx;
            this.client = client;
            this.session = session;
        }

        void poll() {
            List<Integer> goal = target;
            if (goal != null && (goal.isEmpty() || last >= goal.get(goal.size() - 1))) {
                done.tryComplete();
                return;
            }
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                    .setPort(app.port()).setURI("/api/v1/ChatSession/" + session + "/Messages?after=" + last + "&wait=2")
                    .addHeader("Authorization", app.agentAuthorization());
            client.request(options)
                    .compose(req -> req.send().compose(resp -> resp.body().map(body -> new Response(resp.statusCode(),
                            resp.headers(), body))))
                    .onComplete(result -> {
                        if (result.succeeded() && result.result().status() == 200) {
                            JsonArray messages = result.result().jsonArray();
                            for (int i = 0; i < messages.size(); i++) {
                                int id = messages.getJsonObject(i).getInteger("ChatMessageId");
                                received.add(id);
                                last = Math.max(last, id);
                            }
                            poll();
                            return;
                        }
                        errors++;
                        if (result.succeeded()) {
                            Response r = result.result();
                            boolean shaped = r.status() == 503 && r.body().toString().contains("\"ErrorType\":\"ServiceUnavailable\"");
                            if (!shaped) {
                                unexpected.add(r.status() + " " + r.body());
                            }
                        }
                        vertx.setTimer(100, id -> poll());
                    });
        }
    }

    /** Inserts messages round-robin over the sessions through its own JDBC connection, reconnecting after failures. */
    private static final class Writer extends Thread {
        final List<Integer> sessions;
        final AtomicBoolean writing;
        final AtomicInteger written = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();

        Writer(List<Integer> sessions, AtomicBoolean writing) {
            super("outage-writer");
            this.sessions = sessions;
            this.writing = writing;
        }

        int written() {
            return written.get();
        }

        @Override
        public void run() {
            int n = 0;
            Connection c = null;
            while (writing.get()) {
                try {
                    if (c == null) {
                        c = DB.connect();
                    }
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO chat_message (chat_session_id, message, type, author) VALUES (?, ?, 'ToCustomer', 'writer')")) {
                        ps.setInt(1, sessions.get(n % sessions.size()));
                        ps.setString(2, "message " + n);
                        ps.executeUpdate();
                    }
                    n++;
                    written.incrementAndGet();
                    Thread.sleep(2); // a steady writer, some hundreds of messages a second, not a flood
                } catch (SQLException e) {
                    failures.incrementAndGet();
                    close(c);
                    c = null;
                    pause(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            close(c);
        }

        Future<Void> awaitWritten(Vertx vertx, int count) {
            return Await.condition(vertx, () -> written.get() >= count, "the writer to reach " + count + " messages", 30_000);
        }

        Future<Void> awaitFailures(Vertx vertx, int count) {
            return Await.condition(vertx, () -> failures.get() >= count, "the writer to fail " + count + " times", 30_000);
        }

        private static void close(Connection c) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (SQLException ignored) {
                // the connection was terminated anyway
            }
        }

        private static void pause(long millis) {
            try {
                Thread.sleep(millis); // back-off between reconnection attempts of the writer, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private record Timed(Response response, long millis) {
    }

    private static Future<Timed> timed(java.util.function.Supplier<Future<Response>> request) {
        long started = System.nanoTime();
        return request.get().map(r -> new Timed(r, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
    }

    /** Repeats the request until it answers {@code status}, as a client retrying would. */
    private static Future<Void> until(Vertx vertx, java.util.function.Supplier<Future<Response>> request, int status,
            long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Promise<Void> done = Promise.promise();
        retry(vertx, request, status, deadline, done);
        return done.future();
    }

    private static void retry(Vertx vertx, java.util.function.Supplier<Future<Response>> request, int status,
            long deadline, Promise<Void> done) {
        request.get().onComplete(r -> {
            if (r.succeeded() && r.result().status() == status) {
                done.complete();
            } else if (System.currentTimeMillis() > deadline) {
                done.fail(new AssertionError("no " + status + " before the deadline; last: "
                        + (r.succeeded() ? r.result().status() + " " + r.result().body() : r.cause())));
            } else {
                vertx.setTimer(100, id -> retry(vertx, request, status, deadline, done));
            }
        });
    }

    @FunctionalInterface
    private interface Blocking {
        void run() throws Exception;
    }

    private static Future<Void> blocking(Vertx vertx, Blocking work) {
        return vertx.executeBlocking(() -> {
            work.run();
            return null;
        }, false);
    }

    /** Takes this test database away (no new connections, every backend terminated) or gives it back. */
    static void outage(boolean down) throws SQLException {
        try (Connection c = DB.connectAdmin(); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + DB.name() + " WITH ALLOW_CONNECTIONS " + !down);
            if (down) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + DB.name()
                        + "' AND pid <> pg_backend_pid()");
            }
        }
    }

    private static List<String> messagesIn(int session) throws SQLException {
        try (Connection c = DB.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT message FROM chat_message WHERE chat_session_id = ? ORDER BY chat_message_id")) {
            ps.setInt(1, session);
            List<String> messages = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    messages.add(rs.getString(1));
                }
            }
            return messages;
        }
    }
}
