package chatapi.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp;
import chatapi.support.TestApp.Response;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("Presence and routing: present agents are offered the queues of the topics they respond in")
class PresenceTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    /** tje0 administers chat and is present; ann1 responds in Sales (topic 1) only and is away (demo data). */
    private static String tje0() {
        return "Bearer " + app.tokens().sign("agent", null, "tje0", 600);
    }

    private static String ann1() {
        return "Bearer " + app.tokens().sign("agent", null, "ann1", 600);
    }

    private static Future<Response> save(String json, String authorization) {
        return app.post("/api/v1/Presence/SaveAll", json, "Authorization", authorization);
    }

    private static JsonObject presenceOf(JsonArray all, int userId) {
        return all.stream().map(JsonObject.class::cast).filter(p -> p.getInteger("UserId") == userId).findFirst()
                .orElseThrow();
    }

    @Test
    @DisplayName("GetAll lists every chat user; an agent sets its own presence, an administrator anyone's; others 403, bad bodies 400, nothing stored")
    void presence(VertxTestContext ctx) {
        app.get("/api/v1/Presence/GetAll").compose(all -> {
            ctx.verify(() -> {
                assertEquals(200, all.status());
                JsonObject tje0 = presenceOf(all.jsonArray(), 1);
                assertEquals("Thomas J. Eriksen", tje0.getString("DisplayName"));
                assertTrue(tje0.getBoolean("Present"));
                assertEquals(new JsonArray(List.of(1, 2)), tje0.getJsonArray("ChatTopics"));
                assertFalse(presenceOf(all.jsonArray(), 2).getBoolean("Present"));
            });
            return Future.all(List.of(save("[{\"UserId\":1,\"Present\":false}]", ann1()),
                    save("[{\"UserId\":2,\"Present\":\"yes\"}]", ann1()),
                    save("[{\"UserId\":2,\"Present\":true},{\"UserId\":2,\"Present\":false}]", ann1()),
                    save("[{\"UserId\":999,\"Present\":true}]", tje0()),
                    save("[{\"UserId\":2,\"Present\":true},{\"UserId\":999,\"Present\":true}]", tje0()),
                    save("[{\"UserId\":2,\"Present\":true}]", app.customerAuthorization(1))));
        }).compose(refused -> {
            ctx.verify(() -> {
                assertEquals(403, refused.<Response>resultAt(0).status(), "ann1 sets someone else's");
                assertEquals(400, refused.<Response>resultAt(1).status());
                assertEquals(400, refused.<Response>resultAt(2).status(), "one agent twice");
                assertEquals(400, refused.<Response>resultAt(3).status(), "no such agent");
                assertEquals(400, refused.<Response>resultAt(4).status(), "one of two is no agent: nothing stored");
                assertEquals(403, refused.<Response>resultAt(5).status(), "a customer");
                assertEquals("1:true|2:false", DB.value("SELECT string_agg(associate_id || ':' || present, '|'"
                        + " ORDER BY associate_id) FROM chat_presence"));
            });
            return save("[{\"UserId\":2,\"Present\":true,\"DisplayName\":\"ignored\"}]", ann1());
        }).compose(own -> {
            ctx.verify(() -> assertEquals(204, own.status()));
            return save("{\"ChatPresence\":[{\"UserId\":2,\"Present\":false}]}", tje0());
        }).onComplete(ctx.succeeding(admin -> ctx.verify(() -> {
            assertEquals(204, admin.status(), "an administrator, in the Agents' body shape");
            assertEquals("false", DB.value("SELECT present::text FROM chat_presence WHERE associate_id = 2"));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("a deleted agent counts as nobody: its token sees no queue and picks up nothing, and its presence keeps no topic open")
    void deletedAgent(VertxTestContext ctx) {
        int topic = Integer.parseInt(DB.value("INSERT INTO chat_topic (name) VALUES ('Gone') RETURNING topic_id"));
        int gone = Integer.parseInt(DB.value("INSERT INTO associate (name, deleted) VALUES ('gone5', true)"
                + " RETURNING associate_id"));
        DB.execute("INSERT INTO chat_topic_agent (topic_id, associate_id, can_respond) VALUES (" + topic + ", " + gone + ", true)");
        DB.execute("INSERT INTO chat_presence (associate_id, present) VALUES (" + gone + ", true)");
        int session = Integer.parseInt(DB.value("INSERT INTO chat_session (topic_id) VALUES (" + topic
                + ") RETURNING chat_session_id"));
        String token = "Bearer " + app.tokens().sign("agent", null, "gone5", 600);
        Future.all(app.get("/api/v1/ChatSession/ForCurrentUser", "Authorization", token),
                        app.post("/api/v1/ChatSession/" + session + "/Pickup", "", "Authorization", token),
                        app.get("/api/v1/ChatTopic/" + topic + "/IsOpen"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertEquals(List.of(), queued(all.<Response>resultAt(0).jsonArray()));
                    assertEquals(403, all.<Response>resultAt(1).status());
                    assertEquals("false", all.<Response>resultAt(2).body().toString());
                    assertEquals("InQueue", DB.value("SELECT status FROM chat_session WHERE chat_session_id = " + session));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a chat is transferred only to an agent who responds in its topic (409 naming it otherwise)")
    void transferNeedsResponder(VertxTestContext ctx) {
        int support = Integer.parseInt(DB.value("INSERT INTO chat_session (topic_id) VALUES (2) RETURNING chat_session_id"));
        app.post("/api/v1/ChatSession/" + support + "/Pickup", "", "Authorization", tje0())
                .compose(picked -> {
                    ctx.verify(() -> assertEquals(200, picked.status(), picked.body().toString()));
                    return app.post("/api/v1/ChatSession/" + support + "/TransferTo/ann1", "", "Authorization", tje0());
                })
                .onComplete(ctx.succeeding(refused -> ctx.verify(() -> {
                    assertEquals(409, refused.status());
                    assertTrue(refused.json().getString("ErrorMessage").contains("ann1"), refused.body().toString());
                    assertEquals("-", DB.value("SELECT coalesce(transfer_to_associate_id::text, '-') FROM chat_session"
                            + " WHERE chat_session_id = " + support));
                    ctx.completeNow();
                })));
    }

    /** The ids of the queued sessions among ForCurrentUser's (the demo's session 1 is being transferred to ann1). */
    private static List<Integer> queued(JsonArray sessions) {
        return sessions.stream().map(JsonObject.class::cast).filter(s -> "InQueue".equals(s.getString("Status")))
                .map(s -> s.getInteger("ChatSessionId")).toList();
    }

    @Test
    @DisplayName("the queue: an away agent is offered nothing; present, the sessions of the topics it responds in; it cannot pick up another topic's session (403)")
    void routing(VertxTestContext ctx) {
        DB.execute("UPDATE chat_session SET status = 'Closed' WHERE status = 'InQueue'"); // this test's queue only
        int sales = Integer.parseInt(DB.value("INSERT INTO chat_session (topic_id, when_requested) VALUES (1, now() - interval '1 minute')"
                + " RETURNING chat_session_id"));
        int support = Integer.parseInt(DB.value("INSERT INTO chat_session (topic_id, when_requested) VALUES (2, now() - interval '2 minutes')"
                + " RETURNING chat_session_id"));
        DB.execute("UPDATE chat_presence SET present = false WHERE associate_id = 2");
        app.get("/api/v1/ChatSession/ForCurrentUser", "Authorization", ann1()).compose(away -> {
            ctx.verify(() -> assertEquals(List.of(), queued(away.jsonArray()), "away: no queue offered"));
            return Future.all(app.post("/api/v1/ChatSession/Pickup", "", "Authorization", ann1()),
                    app.get("/api/v1/ChatTopic/1/IsOpen"));
        }).compose(nothing -> {
            ctx.verify(() -> {
                assertEquals(404, nothing.<Response>resultAt(0).status(), "nothing to pick up while away");
                assertEquals("true", nothing.<Response>resultAt(1).body().toString(), "tje0 keeps Sales open");
            });
            return save("[{\"UserId\":2,\"Present\":true}]", ann1());
        }).compose(v -> app.get("/api/v1/ChatSession/ForCurrentUser", "Authorization", ann1())).compose(present -> {
            ctx.verify(() -> assertEquals(List.of(sales), queued(present.jsonArray()), "Sales only, not Support"));
            return Future.all(app.post("/api/v1/ChatSession/" + support + "/Pickup", "", "Authorization", ann1()),
                    app.post("/api/v1/ChatSession/Pickup", "", "Authorization", ann1()));
        }).onComplete(ctx.succeeding(picks -> ctx.verify(() -> {
            Response other = picks.resultAt(0);
            assertEquals(403, other.status(), other.body().toString());
            assertTrue(other.json().getString("ErrorMessage").contains("CanRespond"));
            Response next = picks.resultAt(1);
            assertEquals(200, next.status(), next.body().toString());
            assertEquals(sales, next.json().getInteger("ChatSessionId"), "the oldest of its topics, not Support's older one");
            assertEquals("InQueue|UserLast|2", DB.value("SELECT (SELECT status FROM chat_session WHERE chat_session_id = "
                    + support + ") || '|' || status || '|' || user_associate_id FROM chat_session WHERE chat_session_id = "
                    + sales));
            ctx.completeNow();
        })));
    }
}
