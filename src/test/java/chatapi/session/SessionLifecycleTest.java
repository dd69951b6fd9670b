package chatapi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pickup, TransferTo, AcceptTransfer, RejectTransfer, Reset, Transcript and ForCurrentUser. */
@ExtendWith(VertxExtension.class)
@DisplayName("ChatSession lifecycle: pick up, transfer, accept, reject, reset, transcript")
class SessionLifecycleTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    /** A second instance on the same database: two agents behind a load balancer race on different servers. */
    @RegisterExtension
    @Order(3)
    static final TestApp other = TestApp.on(DB);

    private static final String BASE = "/api/v1/ChatSession/";

    /** tje0 (associate 1) and ann1 (associate 2), by tokens that name them by login. */
    private static String tje0() {
        return "Bearer " + app.tokens().sign("agent", null, "tje0", 600);
    }

    private static String ann1() {
        return "Bearer " + app.tokens().sign("agent", null, "ann1", 600);
    }

    private static Future<TestApp.Response> action(String path, String authorization) {
        return app.post(BASE + path, "", "Authorization", authorization);
    }

    @Test
    @DisplayName("Pickup takes a queued session (User, UserLast, WhenStarted) and posts the topic's Welcome, which a parked poll receives; again, closed, absent, non-associate and customer are refused")
    void pickup(VertxTestContext ctx) throws SQLException {
        int id = DB.newSession();
        int closed = DB.newSession();
        DB.execute("UPDATE chat_topic SET welcome_message = 'Hello <b>there</b>' WHERE topic_id = 1");
        DB.execute("UPDATE chat_session SET status = 'Closed' WHERE chat_session_id = " + closed);
        Future<TestApp.Response> parked = app.get(BASE + id + "/Messages?after=0&wait=30");
        app.awaitParked(1)
                .compose(v -> action(id + "/Pickup", tje0()))
                .compose(picked -> Future.all(List.of(Future.succeededFuture(picked), parked,
                        action(id + "/Pickup", ann1()), action(closed + "/Pickup", tje0()), action("424242/Pickup", tje0()),
                        action(DB.newSession() + "/Pickup", app.agentAuthorization()),
                        action(id + "/Pickup", app.customerAuthorization(id)))))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    TestApp.Response picked = all.resultAt(0);
                    assertEquals(200, picked.status(), picked.body().toString());
                    JsonObject entity = picked.json();
                    assertEquals("UserLast", entity.getString("Status"));
                    assertEquals("tje0", entity.getJsonObject("User").getString("Name"));
                    assertNotNull(entity.getString("WhenStarted"));
                    assertFalse(entity.containsKey("_Links"));
                    JsonArray woken = all.<TestApp.Response>resultAt(1).jsonArray();
                    assertEquals(1, woken.size());
                    JsonObject welcome = woken.getJsonObject(0);
                    assertEquals("Special", welcome.getString("Type"));
                    assertEquals("Welcome", welcome.getString("SpecialType"));
                    assertEquals("Hello <b>there</b>", welcome.getString("Message"));
                    assertEquals("Thomas J. Eriksen", welcome.getString("Author"));
                    assertEquals("Thomas J. Eriksen", welcome.getString("SpecialParam"), "the display name, not the login");
                    assertConflict(all.resultAt(2), "Status UserLast, User 1");
                    assertConflict(all.resultAt(3), "Status Closed");
                    assertEquals(404, all.<TestApp.Response>resultAt(4).status());
                    assertEquals(403, all.<TestApp.Response>resultAt(5).status(), "an agent token that names no associate");
                    assertEquals(403, all.<TestApp.Response>resultAt(6).status());
                    assertEquals("1|1", DB.value("SELECT user_associate_id || '|' || (SELECT count(*) FROM chat_message"
                            + " WHERE chat_session_id = " + id + ") FROM chat_session WHERE chat_session_id = " + id));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("two agents on two instances pick up the same session at once: exactly one wins, the other gets 409, one Welcome is posted (50 sessions)")
    void concurrentPickup(VertxTestContext ctx) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(DB.newSession());
        }
        List<Future<?>> races = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) { // tje0 on one instance, ann1 on the other; who asks first alternates
            String path = BASE + ids.get(i) + "/Pickup";
            Future<TestApp.Response> tje;
            Future<TestApp.Response> ann;
            if (i % 2 == 0) {
                tje = app.post(path, "", "Authorization", tje0());
                ann = other.post(path, "", "Authorization", ann1());
            } else {
                ann = other.post(path, "", "Authorization", ann1());
                tje = app.post(path, "", "Authorization", tje0());
            }
            races.add(Future.all(tje, ann));
        }
        Future.all(races).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
            int tjeWins = 0;
            for (int i = 0; i < ids.size(); i++) {
                io.vertx.core.CompositeFuture race = (io.vertx.core.CompositeFuture) races.get(i).result();
                int first = race.<TestApp.Response>resultAt(0).status();
                int second = race.<TestApp.Response>resultAt(1).status();
                assertEquals(List.of(200, 409), first == 200 ? List.of(first, second) : List.of(second, first),
                        "session " + ids.get(i));
                String winner = first == 200 ? "1" : "2";
                tjeWins += first == 200 ? 1 : 0;
                assertEquals(winner + "|1", DB.value("SELECT user_associate_id || '|' || (SELECT count(*) FROM chat_message"
                        + " WHERE chat_session_id = s.chat_session_id) FROM chat_session s WHERE chat_session_id = " + ids.get(i)));
            }
            System.out.println("SessionLifecycleTest: tje0 won " + tjeWins + " of " + ids.size() + " races");
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("Pickup without an id takes the session that has waited longest; an empty queue is 404")
    void pickupFirst(VertxTestContext ctx) throws SQLException {
        DB.execute("UPDATE chat_session SET status = 'Closed' WHERE status = 'InQueue'");
        DB.execute("UPDATE chat_presence SET present = true WHERE associate_id = 2"); // ann1 takes chats too (Sales)
        int newer = DB.newSession();
        int older = DB.newSession();
        DB.execute("UPDATE chat_session SET when_requested = now() - interval '1 hour' WHERE chat_session_id = " + older);
        action("Pickup", tje0())
                .compose(first -> action("Pickup", ann1()).compose(second -> action("Pickup", tje0())
                        .map(third -> List.of(first, second, third))))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertEquals(older, all.get(0).json().getInteger("ChatSessionId"));
                    assertEquals(newer, all.get(1).json().getInteger("ChatSessionId"));
                    assertEquals("ann1", all.get(1).json().getJsonObject("User").getString("Name"));
                    assertEquals(404, all.get(2).status());
                    assertTrue(all.get(2).json().getString("ErrorMessage").contains("queue"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("TransferTo (by name or id) marks the transfer; Reject clears it (TransferRejected); Accept hands the session over (TransferedSession); refusals are 404/409")
    void transfer(VertxTestContext ctx) throws SQLException {
        int id = DB.newSession();
        action(id + "/Pickup", tje0())
                .compose(v -> action(id + "/TransferTo/ann1", tje0()))
                .compose(transfer -> Future.all(List.of(Future.succeededFuture(transfer),
                        action(id + "/TransferTo/nobody", tje0()), action(id + "/TransferTo/tje0", tje0()),
                        action(id + "/AcceptTransfer", tje0()))))
                .compose(first -> {
                    ctx.verify(() -> {
                        TestApp.Response transferred = first.resultAt(0);
                        assertEquals(200, transferred.status(), transferred.body().toString());
                        assertEquals("ann1", transferred.json().getJsonObject("TransferTo").getString("Name"));
                        assertEquals("tje0", transferred.json().getJsonObject("User").getString("Name"));
                        assertEquals(404, first.<TestApp.Response>resultAt(1).status());
                        assertConflict(first.resultAt(2), "TransferTo 2");
                        assertConflict(first.resultAt(3), "TransferTo 2");
                    });
                    return action(id + "/RejectTransfer", ann1());
                })
                .compose(rejected -> {
                    ctx.verify(() -> {
                        assertEquals(200, rejected.status());
                        assertNull(rejected.json().getValue("TransferTo"));
                        assertEquals("tje0", rejected.json().getJsonObject("User").getString("Name"));
                    });
                    return Future.all(action(id + "/TransferTo/2", ann1()), action(id + "/RejectTransfer", ann1()));
                })
                .compose(refused -> {
                    ctx.verify(() -> {
                        assertConflict(refused.resultAt(0), "User 1"); // not ann1's session to transfer
                        assertConflict(refused.resultAt(1), "TransferTo -"); // nothing pending
                    });
                    return action(id + "/TransferTo/2", tje0()).compose(v -> action(id + "/AcceptTransfer", ann1()));
                })
                .onComplete(ctx.succeeding(accepted -> ctx.verify(() -> {
                    assertEquals(200, accepted.status());
                    assertEquals("ann1", accepted.json().getJsonObject("User").getString("Name"));
                    assertNull(accepted.json().getValue("TransferTo"));
                    assertEquals("Welcome|Thomas J. Eriksen,TransferRejected|Ann Lindqvist,TransferedSession|Ann Lindqvist",
                            DB.value("SELECT string_agg(special_type || '|' || special_param, ',' ORDER BY chat_message_id)"
                                    + " FROM chat_message WHERE chat_session_id = " + id));
                    assertEquals("0", DB.value("SELECT count(*) FROM chat_message WHERE chat_session_id = " + id
                            + " AND (author || special_param || message) ~* '(tje0|ann1)'"),
                            "the visitor reads display names, never login names");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("Reset puts an active session back in the queue (no agent, NewSession posted); a queued one is 409")
    void reset(VertxTestContext ctx) throws SQLException {
        int id = DB.newSession();
        action(id + "/Pickup", tje0())
                .compose(v -> action(id + "/Reset", tje0()))
                .compose(reset -> action(id + "/Reset", tje0()).map(again -> List.of(reset, again)))
                .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
                    assertEquals("InQueue", both.get(0).json().getString("Status"));
                    assertNull(both.get(0).json().getValue("User"));
                    assertConflict(both.get(1), "Status InQueue");
                    assertEquals("Welcome,NewSession", DB.value("SELECT string_agg(special_type, ',' ORDER BY chat_message_id)"
                            + " FROM chat_message WHERE chat_session_id = " + id));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("Transcript answers the conversation as text or escaped HTML in the caller's zone; html=maybe is 400, an absent session 404")
    void transcript(VertxTestContext ctx) throws SQLException {
        int id = DB.newSession();
        app.post(BASE + id + "/Messages", "{\"Message\":\"Is <script> safe?\",\"Author\":\"Kari\"}")
                .compose(v -> Future.all(List.of(
                        app.post(BASE + id + "/Transcript", "", "SO-TimeZone", "UTC"),
                        app.post(BASE + id + "/Transcript?html=true", ""),
                        app.post(BASE + id + "/Transcript?html=maybe", ""),
                        app.post(BASE + "424242/Transcript", ""))))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    String text = new JsonArray("[" + all.<TestApp.Response>resultAt(0).body() + "]").getString(0);
                    assertTrue(text.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d Kari: Is <script> safe\\?\n"), text);
                    String html = new JsonArray("[" + all.<TestApp.Response>resultAt(1).body() + "]").getString(0);
                    assertTrue(html.contains("<b>Kari</b>: Is &lt;script&gt; safe?</p>"), html);
                    assertFalse(html.contains("<script>"));
                    assertEquals(400, all.<TestApp.Response>resultAt(2).status());
                    assertEquals(404, all.<TestApp.Response>resultAt(3).status());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("GET ForCurrentUser lists the caller's open sessions and the queue, as the Agents' ChatSessionsForUser")
    void forCurrentUser(VertxTestContext ctx) throws SQLException {
        int id = DB.newSession();
        action(id + "/Pickup", ann1())
                .compose(v -> Future.all(app.get(BASE + "ForCurrentUser", "Authorization", ann1()),
                        app.get(BASE + "ForCurrentUser", "Authorization", tje0())))
                .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
                    List<Integer> ann = ids(both.<TestApp.Response>resultAt(0).jsonArray());
                    List<Integer> tje = ids(both.<TestApp.Response>resultAt(1).jsonArray());
                    assertTrue(ann.contains(id), ann.toString());
                    assertFalse(tje.contains(id), tje.toString());
                    ctx.completeNow();
                })));
    }

    private static List<Integer> ids(JsonArray sessions) {
        return sessions.stream().map(s -> ((JsonObject) s).getInteger("ChatSessionId")).toList();
    }

    private static void assertConflict(TestApp.Response response, String state) {
        assertEquals(409, response.status(), response.body().toString());
        assertEquals("Conflict", response.json().getString("ErrorType"));
        assertTrue(response.json().getString("ErrorMessage").contains(state), response.json().getString("ErrorMessage"));
    }
}
