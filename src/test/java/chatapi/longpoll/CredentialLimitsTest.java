package chatapi.longpoll;

import static chatapi.support.TestApp.messagesAfter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp.Response;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What one credential may take of an instance: parked requests and posted messages (customers at the shipped defaults). */
@ExtendWith(VertxExtension.class)
@DisplayName("Per-credential caps: parked requests (429 beyond 10 per customer) and the rate of posted messages")
class CredentialLimitsTest {

    private static final int AGENT_CAP = 15;

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB, json -> json.put("maxParkedPerAgent", AGENT_CAP)
            .put("agentPostsPerSecond", 1).put("agentPostBurst", 3));

    @Test
    @DisplayName("one customer token parks at most 10 requests: the 11th is 429 with Retry-After; other customers and agents still park, and a freed slot is taken again")
    void customerParkingCap(VertxTestContext ctx) {
        int session = DB.newSession();
        int other = DB.newSession();
        String customer = app.customerAuthorization(session);
        long parkedBefore = app.longPoll().parked();
        List<Future<Response>> polls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            polls.add(app.get(messagesAfter(session, 0, 30), "Authorization", customer));
        }
        app.awaitParked((int) parkedBefore + 10)
                .compose(v -> app.get(messagesAfter(session, 0, 30), "Authorization", customer))
                .compose(eleventh -> {
                    Future<Response> otherCustomer = app.get(messagesAfter(other, 0, 30),
                            "Authorization", app.customerAuthorization(other));
                    Future<Response> agent = app.get(messagesAfter(session, 0, 30));
                    return app.awaitParked((int) parkedBefore + 12).map(v -> {
                        ctx.verify(() -> {
                            assertEquals(429, eleventh.status(), eleventh.body().toString());
                            assertEquals("2", eleventh.header("Retry-After"));
                            assertEquals("TooManyRequests", eleventh.json().getString("ErrorType"));
                            assertTrue(eleventh.json().getString("ErrorMessage").contains("10"));
                        });
                        return List.of(otherCustomer, agent);
                    });
                })
                .compose(others -> {
                    DB.execute("INSERT INTO chat_message (chat_session_id, message) VALUES (" + session + ", 'x'), ("
                            + other + ", 'y')");
                    return Future.all(polls).compose(all -> Future.all(others))
                            .compose(all -> app.get(messagesAfter(session, 0, 0), "Authorization", customer));
                })
                .onComplete(ctx.succeeding(again -> ctx.verify(() -> {
                    polls.forEach(p -> assertEquals(1, p.result().jsonArray().size()));
                    assertEquals(200, again.status(), "the slots are free once the polls were answered");
                    assertEquals(parkedBefore, app.longPoll().parked());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("an agent parks at most maxParkedPerAgent requests; beyond, 429")
    void agentParkingCap(VertxTestContext ctx) {
        int session = DB.newSession();
        long parkedBefore = app.longPoll().parked();
        List<Future<Response>> polls = new ArrayList<>();
        for (int i = 0; i < AGENT_CAP; i++) {
            polls.add(app.get(messagesAfter(session, 0, 30)));
        }
        app.awaitParked((int) parkedBefore + AGENT_CAP)
                .compose(v -> app.get(messagesAfter(session, 0, 30)))
                .compose(beyond -> {
                    DB.execute("INSERT INTO chat_message (chat_session_id, message) VALUES (" + session + ", 'x')");
                    return Future.all(polls).map(all -> beyond);
                })
                .onComplete(ctx.succeeding(beyond -> ctx.verify(() -> {
                    assertEquals(429, beyond.status());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a customer posts a burst of 20, then about 5 per second: the rest are 429 with Retry-After and nothing of them is stored; other senders are unaffected")
    void customerPostRate(VertxTestContext ctx) {
        int session = DB.newSession();
        String customer = app.customerAuthorization(session);
        List<Integer> statuses = new ArrayList<>();
        Future<Void> posts = Future.succeededFuture();
        for (int i = 0; i < 30; i++) {
            String body = new JsonObject().put("Message", "flood " + i).encode();
            posts = posts.compose(v -> app.post("/api/v1/ChatSession/" + session + "/Messages", body,
                    "Authorization", customer).map(r -> {
                        statuses.add(r.status());
                        if (r.status() == 429) {
                            assertEquals("1", r.header("Retry-After"));
                            assertEquals("TooManyRequests", r.json().getString("ErrorType"));
                        }
                        return null;
                    }));
        }
        posts.compose(v -> app.post("/api/v1/ChatSession/" + session + "/Messages", "{\"Message\":\"agent\"}"))
                .onComplete(ctx.succeeding(agent -> ctx.verify(() -> {
                    long ok = statuses.stream().filter(s -> s == 200).count();
                    assertEquals(List.of(200), statuses.subList(0, 20).stream().distinct().toList(), statuses.toString());
                    assertTrue(ok <= 23, statuses.toString());
                    assertEquals(30 - ok, statuses.stream().filter(s -> s == 429).count(), statuses.toString());
                    assertEquals(200, agent.status(), "the agent's own limit is untouched");
                    assertEquals(Long.toString(ok + 1), DB.value("SELECT count(*) FROM chat_message WHERE chat_session_id = "
                            + session));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("the Agents API's AddChatMessage takes from the agent's rate too")
    void agentPostRate(VertxTestContext ctx) {
        int session = DB.newSession();
        List<Integer> statuses = new ArrayList<>();
        Future<Void> posts = Future.succeededFuture();
        for (int i = 0; i < 5; i++) {
            String body = new JsonObject().put("ChatSessionId", session)
                    .put("Message", new JsonObject().put("Message", "m" + i).put("Type", "ToCustomer")).encode();
            posts = posts.compose(v -> app.post("/api/v1/Agents/Chat/AddChatMessage", body, "Authorization",
                    "Bearer " + app.tokens().sign("agent", null, "rate-test-agent", 600))
                    .map(r -> {
                        statuses.add(r.status());
                        return null;
                    }));
        }
        posts.onComplete(ctx.succeeding(v -> ctx.verify(() -> {
            assertEquals(List.of(200, 200, 200), statuses.subList(0, 3), statuses.toString());
            assertTrue(statuses.subList(3, 5).contains(429), statuses.toString());
            ctx.completeNow();
        })));
    }
}
