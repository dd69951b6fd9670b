package chatapi.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.Await;
import chatapi.support.ServerProcess;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * R2: two instances (processes) on one database, widget loops spread over both, a steady writer; one
 * instance is killed (SIGKILL) under load. Its clients retry on the other, as behind a load balancer,
 * and every message reaches every client exactly once, in order.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Reliability: an instance is killed under load")
class InstanceLossTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final String AUTHORIZATION = "Basic dGplMDpUamUw"; // tje0 of the demo data
    private final List<ServerProcess> servers = new ArrayList<>();

    @AfterEach
    void stopServers() throws Exception {
        for (ServerProcess server : servers) {
            server.close();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("SIGKILL one of two instances with 200 widget loops on 10 sessions: the loops move to the other, nothing lost or repeated")
    void killOneOfTwo(Vertx vertx, VertxTestContext ctx) throws Exception {
        ServerProcess a = ServerProcess.start(DB, Map.of());
        ServerProcess b = ServerProcess.start(DB, Map.of());
        servers.add(a);
        servers.add(b);
        List<Integer> sessions = new ArrayList<>();
        HttpClient client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(500));
        int[] ports = {a.port(), b.port()};
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        Thread writer = new Thread(() -> write(sessions, writing, written), "instance-loss-writer");
        List<Loop> loops = new ArrayList<>();
        Promise<Void> started = Promise.promise();

        a.awaitParked(vertx, client, 0).compose(v -> b.awaitParked(vertx, client, 0)).compose(v -> vertx.executeBlocking(() -> {
            for (int i = 0; i < 10; i++) { // once the schema is there
                sessions.add(DB.newSession());
            }
            return null;
        })).onSuccess(v -> {
            for (int i = 0; i < 200; i++) {
                Loop loop = new Loop(vertx, client, ports, i % 2, sessions.get(i % sessions.size()));
                loops.add(loop);
                loop.poll();
            }
            started.complete();
        }).onFailure(started::fail);

        started.future()
                .compose(v -> a.awaitParked(vertx, client, 100).compose(w -> b.awaitParked(vertx, client, 100)))
                .compose(v -> vertx.executeBlocking(() -> {
                    writer.start();
                    return null;
                }))
                .compose(v -> Await.condition(vertx, () -> written.get() >= 100, "100 messages written", 30_000))
                .compose(v -> vertx.executeBlocking(() -> {
                    a.process().destroyForcibly(); // SIGKILL: no drain, connections cut
                    return a.process().waitFor(10, TimeUnit.SECONDS);
                }))
                .compose(v -> {
                    int before = written.get();
                    return Await.condition(vertx, () -> written.get() >= before + 200, "200 more messages written", 30_000);
                })
                .compose(v -> vertx.executeBlocking(() -> {
                    writing.set(false);
                    writer.join();
                    Map<Integer, List<Integer>> truth = DB.messageIds(sessions);
                    loops.forEach(loop -> loop.target = truth.get(loop.session));
                    return truth;
                }))
                .compose(truth -> Future.all(loops.stream().map(loop -> loop.done.future()).toList()).map(all -> truth))
                .eventually(() -> client.close())
                .onComplete(ctx.succeeding(truth -> ctx.verify(() -> {
                    for (Loop loop : loops) {
                        assertEquals(truth.get(loop.session), loop.received, "a client of session " + loop.session);
                    }
                    assertTrue(loops.stream().filter(l -> l.started == 0).allMatch(l -> l.current == 1),
                            "every client of the killed instance went on with the other");
                    ctx.completeNow();
                })));
    }

    /** A widget behind a load balancer: on a connection error or a 5xx it goes to the other instance. */
    private static final class Loop {
        final Vertx vertx;
        final HttpClient client;
        final int[] ports;
        final int started;
        final int session;
        final List<Integer> received = new ArrayList<>();
        final Promise<Void> done = Promise.promise();
        volatile List<Integer> target;
        int current;
        int last;

        Loop(Vertx vertx, HttpClient client, int[] ports, int first, int session) {
            this.vertx = vertx;
            this.client = client;
            this.ports = ports;
            this.started = first;
            this.current = first;
            this.session = session;
        }

        void poll() {
            List<Integer> goal = target;
            if (goal != null && (goal.isEmpty() || last >= goal.get(goal.size() - 1))) {
                done.tryComplete();
                return;
            }
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                    .setPort(ports[current]).setURI("/api/v1/ChatSession/" + session + "/Messages?after=" + last + "&wait=2")
                    .addHeader("Authorization", AUTHORIZATION);
            client.request(options)
                    .compose(req -> req.send().compose(resp -> resp.body().map(body -> resp.statusCode() == 200
                            ? body.toJsonArray() : null)))
                    .onComplete(result -> {
                        if (result.succeeded() && result.result() != null) {
                            JsonArray messages = result.result();
                            for (int i = 0; i < messages.size(); i++) {
                                int id = messages.getJsonObject(i).getInteger("ChatMessageId");
                                received.add(id);
                                last = Math.max(last, id);
                            }
                            poll();
                        } else {
                            current = 1 - current;
                            vertx.setTimer(100, id -> poll());
                        }
                    });
        }
    }

    private static void write(List<Integer> sessions, AtomicBoolean writing, AtomicInteger written) {
        try (Connection c = DB.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO chat_message (chat_session_id, message, type, author) VALUES (?, ?, 'ToCustomer', 'writer')")) {
            for (int n = 0; writing.get(); n++) {
                ps.setInt(1, sessions.get(n % sessions.size()));
                ps.setString(2, "message " + n);
                ps.executeUpdate();
                written.incrementAndGet();
                Thread.sleep(3); // a steady writer, a few hundred messages a second
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
