package chatapi.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /api/v1/Agents/Chat/*, and what SuperOffice's clients send with every call (encodings, zone headers). */
@ExtendWith(VertxExtension.class)
@DisplayName("The Agents API for chat (/api/v1/Agents/Chat/…)")
class AgentsApiTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    private static final String AGENTS = "/api/v1/Agents/Chat/";

    private static Future<TestApp.Response> call(String method, String body, String... headers) {
        return app.post(AGENTS + method, body, headers);
    }

    @Test
    @DisplayName("GetChatSessionEntity answers the REST entity without _Links; the parameter's name in any case; CreateDefault answers id 0 in the queue")
    void entities(VertxTestContext ctx) {
        Future.all(List.of(
                        call("GetChatSessionEntity?chatSessionEntityId=1", "null"),
                        app.get("/api/v1/ChatSession/1"),
                        call("GetChatSessionEntity?CHATSESSIONENTITYID=2", ""),
                        call("CreateDefaultChatSessionEntity", "")))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    TestApp.Response agents = all.resultAt(0);
                    assertEquals(200, agents.status());
                    JsonObject rest = all.<TestApp.Response>resultAt(1).json();
                    rest.remove("_Links");
                    assertEquals(rest, agents.json());
                    assertEquals(2, all.<TestApp.Response>resultAt(2).json().getInteger("ChatSessionId"));
                    JsonObject blank = all.<TestApp.Response>resultAt(3).json();
                    assertEquals(0, blank.getInteger("ChatSessionId"));
                    assertEquals("InQueue", blank.getString("Status"));
                    assertEquals("", blank.getString("CustomerName"));
                    assertEquals("None", blank.getString("Flags"));
                    assertNull(blank.getValue("User"));
                    assertFalse(blank.containsKey("_Links"));
                    assertEquals(rest.fieldNames(), blank.fieldNames(), "the same carrier");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a call that fails on the data answers 200 null (absent session: Get, GetChatMessages, AddChatMessage, Save, Delete) and stores nothing")
    void absentIsNull(VertxTestContext ctx) {
        int messagesBefore = Integer.parseInt(DB.value("SELECT count(*) FROM chat_message"));
        Future.all(List.of(
                        call("GetChatSessionEntity?chatSessionEntityId=424242", ""),
                        call("GetChatMessages", "{\"ChatSessionId\":424242,\"After\":0}"),
                        call("AddChatMessage", "{\"ChatSessionId\":424242,\"Message\":{\"Message\":\"lost\"}}"),
                        call("SaveChatSessionEntity", "{\"ChatSessionId\":424242,\"TopicId\":1}"),
                        call("DeleteChatSessionEntity?ChatSessionEntityId=424242", "")))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    for (int i = 0; i < 5; i++) {
                        TestApp.Response r = all.resultAt(i);
                        assertEquals(200, r.status(), "call " + i);
                        assertEquals("null", r.body().toString(), "call " + i);
                        assertEquals("application/json; charset=utf-8", r.header("Content-Type"), "call " + i);
                    }
                    assertEquals(messagesBefore, Integer.parseInt(DB.value("SELECT count(*) FROM chat_message")));
                    assertEquals("0", DB.value("SELECT count(*) FROM chat_session WHERE chat_session_id = 424242"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("GetChatMessages answers at once after After (camelCase or any case); AddChatMessage stores, answers the message and wakes a parked REST poll")
    void messages(VertxTestContext ctx) {
        int session = DB.newSession();
        Future<TestApp.Response> parked = app.get("/api/v1/ChatSession/" + session + "/Messages?after=0&wait=30");
        app.awaitParked(1)
                .compose(v -> call("AddChatMessage", "{\"chatSessionId\":" + session
                        + ",\"message\":{\"message\":\"first\",\"type\":\"ToCustomer\",\"author\":\"tje0\"}}"))
                .compose(added -> {
                    ctx.verify(() -> {
                        assertEquals(200, added.status());
                        assertEquals("first", added.json().getString("Message"));
                        assertEquals("ToCustomer", added.json().getString("Type"));
                    });
                    return Future.all(parked, call("AddChatMessage", "{\"ChatSessionId\":" + session
                            + ",\"Message\":{\"Message\":\"second\"}}"));
                })
                .compose(v -> Future.all(
                        call("GetChatMessages", "{\"chatsessionid\":" + session + ",\"AFTER\":0}"),
                        call("GetChatMessages", "{\"ChatSessionId\":" + session + ",\"After\":"
                                + firstId(session) + "}"),
                        parked))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    JsonArray every = all.<TestApp.Response>resultAt(0).jsonArray();
                    assertEquals(List.of("first", "second"), List.of(every.getJsonObject(0).getString("Message"),
                            every.getJsonObject(1).getString("Message")));
                    JsonArray after = all.<TestApp.Response>resultAt(1).jsonArray();
                    assertEquals(1, after.size());
                    assertEquals("second", after.getJsonObject(0).getString("Message"));
                    JsonArray woken = all.<TestApp.Response>resultAt(2).jsonArray();
                    assertEquals("first", woken.getJsonObject(0).getString("Message"), "the parked poll was woken");
                    assertEquals("ToCustomer|first,ToUser|second", DB.value("SELECT string_agg(type || '|' || message, ','"
                            + " ORDER BY chat_message_id) FROM chat_message WHERE chat_session_id = " + session));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("SaveChatSessionEntity inserts with id 0 (related objects by id, Flags by name or mask) and updates otherwise; DeleteChatSessionEntity removes the session and its messages (204)")
    void saveAndDelete(VertxTestContext ctx) {
        call("SaveChatSessionEntity", "{\"chatSessionId\":0,\"topicId\":2,\"customerName\":\"Saved\","
                + "\"user\":{\"associateId\":1,\"fullName\":\"ignored\"},\"flags\":\"CustomerIsTyping\",\"status\":\"userlast\","
                + "\"whenRequested\":\"2001-01-01T00:00:00Z\",\"SessionKey\":\"ignored\",\"TableRight\":{\"Mask\":\"FULL\"}}")
                .compose(saved -> {
                    JsonObject entity = saved.json();
                    int id = entity.getInteger("ChatSessionId");
                    ctx.verify(() -> {
                        assertEquals(200, saved.status());
                        assertTrue(id > 2);
                        assertEquals("Saved", entity.getString("CustomerName"));
                        assertEquals("UserLast", entity.getString("Status"));
                        assertEquals("CustomerIsTyping", entity.getString("Flags"));
                        assertEquals("Thomas J. Eriksen", entity.getJsonObject("User").getString("FullName"));
                        assertFalse(entity.getString("WhenRequested").startsWith("2001"), "the server keeps its times");
                        assertFalse(entity.getString("SessionKey").equals("ignored"));
                    });
                    entity.put("CustomerName", "Updated").put("Flags", 3).putNull("User");
                    return call("SaveChatSessionEntity", entity.encode())
                            .compose(updated -> {
                                ctx.verify(() -> {
                                    assertEquals(id, updated.json().getInteger("ChatSessionId"));
                                    assertEquals("Updated", updated.json().getString("CustomerName"));
                                    assertEquals("CustomerIsTyping, UserIsTyping", updated.json().getString("Flags"));
                                    assertNull(updated.json().getValue("User"));
                                    assertEquals("Updated|3|null|UserLast", DB.value("SELECT customer_name || '|' || flags || '|'"
                                            + " || coalesce(user_associate_id::text, 'null') || '|' || status FROM chat_session"
                                            + " WHERE chat_session_id = " + id));
                                });
                                return app.post("/api/v1/ChatSession/" + id + "/Messages", "{\"Message\":\"bye\"}");
                            })
                            .compose(v -> call("DeleteChatSessionEntity?chatSessionEntityId=" + id, ""))
                            .map(deleted -> {
                                ctx.verify(() -> {
                                    assertEquals(204, deleted.status());
                                    assertEquals(0, deleted.body().length());
                                    assertEquals("0|0", DB.value("SELECT (SELECT count(*) FROM chat_session WHERE chat_session_id = "
                                            + id + ") || '|' || (SELECT count(*) FROM chat_message WHERE chat_session_id = "
                                            + id + ")"));
                                });
                                return deleted;
                            });
                })
                .onComplete(ctx.succeeding(v -> ctx.completeNow()));
    }

    @Test
    @DisplayName("ChatSessionsForUser lists the open sessions in the queue or served by the caller (by associate, or by a token's login name), without _Links")
    void sessionsForUser(VertxTestContext ctx) {
        int mine = DB.newSession();
        DB.execute("UPDATE chat_session SET status = 'UserLast', user_associate_id = 1 WHERE chat_session_id = " + mine);
        int others = DB.newSession();
        DB.execute("UPDATE chat_session SET status = 'UserLast', user_associate_id = 2 WHERE chat_session_id = " + others);
        int closed = DB.newSession();
        DB.execute("UPDATE chat_session SET status = 'Closed' WHERE chat_session_id = " + closed);
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("tje0:Tje0".getBytes(StandardCharsets.UTF_8));
        String token = "Bearer " + app.tokens().sign("agent", null, "TJE0", 600); // a token names the agent by login
        Future.all(call("ChatSessionsForUser", "", "Authorization", basic),
                        call("ChatSessionsForUser", "", "Authorization", token))
                .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
                    TestApp.Response r = both.resultAt(0);
                    assertEquals(200, r.status());
                    assertEquals(r.jsonArray(), both.<TestApp.Response>resultAt(1).jsonArray());
                    JsonArray sessions = r.jsonArray();
                    List<Integer> ids = sessions.stream().map(s -> ((JsonObject) s).getInteger("ChatSessionId")).toList();
                    assertTrue(ids.contains(mine), ids.toString());
                    assertTrue(ids.contains(2), "in the queue: " + ids);
                    assertFalse(ids.contains(others), ids.toString());
                    assertFalse(ids.contains(closed), ids.toString());
                    assertFalse(sessions.getJsonObject(0).containsKey("_Links"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a malformed request is a 400 naming what is wrong, not null; customers get 403, no credentials 401")
    void refusals(VertxTestContext ctx) {
        String customer = app.customerAuthorization(1);
        Future.all(List.of(
                        call("GetChatMessages", "{\"After\":0}"),
                        call("GetChatMessages", "{\"ChatSessionId\":\"1\"}"),
                        call("AddChatMessage", "{\"ChatSessionId\":1}"),
                        call("AddChatMessage", "{\"ChatSessionId\":1,\"Message\":{\"Message\":\"x\",\"Type\":\"Shout\"}}"),
                        call("SaveChatSessionEntity", "{\"ChatSessionId\":0,\"TopicId\":1,\"Status\":\"Bogus\"}"),
                        call("SaveChatSessionEntity", "{\"ChatSessionId\":0,\"TopicId\":1,\"Flags\":\"Sleepy\"}"),
                        call("SaveChatSessionEntity", "{\"ChatSessionId\":0,\"TopicId\":1,\"User\":{\"AssociateId\":77}}"),
                        call("SaveChatSessionEntity", "{\"ChatSessionId\":0,\"TopicId\":424242}"),
                        call("SaveChatSessionEntity", "{\"ChatSessionId\":0}"),
                        call("GetChatSessionEntity", ""),
                        call("GetChatSessionEntity?chatSessionEntityId=abc", ""),
                        call("GetChatSessionEntity?chatSessionEntityId=1", "", "Authorization", customer),
                        call("GetChatSessionEntity?chatSessionEntityId=1", "", "Authorization", null)))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    String[] named = {"ChatSessionId", "ChatSessionId", "Message", "Type", "Status", "Flags",
                            "User 77 does not exist", "TopicId 424242 does not exist", "TopicId", "chatSessionEntityId",
                            "chatSessionEntityId"};
                    for (int i = 0; i < named.length; i++) {
                        TestApp.Response r = all.resultAt(i);
                        assertEquals(400, r.status(), i + ": " + r.body());
                        assertTrue(r.json().getString("ErrorMessage").contains(named[i]), i + ": " + r.body());
                    }
                    assertEquals(403, all.<TestApp.Response>resultAt(11).status());
                    assertEquals(401, all.<TestApp.Response>resultAt(12).status());
                    assertEquals("0", DB.value("SELECT count(*) FROM chat_session WHERE customer_name = 'never'"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("XML (Accept: application/xml) for every list and for null: ArrayOf… roots with one element per item, xsi:nil for null")
    void xml(VertxTestContext ctx) {
        String xml = "application/xml";
        Future.all(List.of(
                        // The queue is offered to a present agent who responds in its topics: tje0 (demo data).
                        call("ChatSessionsForUser", "", "Accept", xml, "Authorization",
                                "Bearer " + app.tokens().sign("agent", null, "tje0", 600)),
                        call("GetChatSessionEntity?chatSessionEntityId=424242", "", "Accept", xml),
                        call("GetChatMessages", "{\"ChatSessionId\":1}", "Accept", xml),
                        app.get("/api/v1/ChatSession/ForCurrentUser", "Accept", xml, "Authorization",
                                "Bearer " + app.tokens().sign("agent", null, "tje0", 600)),
                        app.get("/api/v1/ChatSession?$top=1&$select=ChatSessionId", "Accept", xml)))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    String[] starts = {"<ArrayOfChatSessionEntity><ChatSessionEntity><ChatSessionId>",
                        "<ChatSessionEntity xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"true\"/>",
                        "<ArrayOfChatMessage><ChatMessage><ChatMessageId>1<", "<ArrayOfChatSessionEntity>",
                        "<ChatSessionList><odata.metadata>"};
                    for (int i = 0; i < starts.length; i++) {
                        TestApp.Response r = all.resultAt(i);
                        assertEquals(200, r.status(), i + ": " + r.body());
                        assertEquals("application/xml; charset=utf-8", r.header("Content-Type"));
                        assertTrue(r.body().toString().startsWith(starts[i]), i + ": " + r.body());
                    }
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("Accept-Encoding: gzip compresses a large answer (not a small one, nor without the header, nor when refused by q=0)")
    void gzip(VertxTestContext ctx) {
        Future.all(List.of(
                        app.get("/api/v1/ChatSession/1", "Accept-Encoding", "gzip, deflate"),
                        app.get("/api/v1/ChatSession/1"),
                        app.get("/api/v1/ChatSession/1/Messages", "Accept-Encoding", "gzip"),
                        app.get("/api/v1/ChatSession/1", "Accept-Encoding", "gzip;q=0, deflate")))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    TestApp.Response zipped = all.resultAt(0);
                    TestApp.Response plain = all.resultAt(1);
                    assertEquals("gzip", zipped.header("Content-Encoding"));
                    assertNull(plain.header("Content-Encoding"));
                    byte[] unzipped;
                    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body().getBytes()))) {
                        unzipped = in.readAllBytes();
                    }
                    assertEquals(plain.json(), new JsonObject(new String(unzipped, StandardCharsets.UTF_8)));
                    assertTrue(zipped.body().length() < plain.body().length() / 2,
                            zipped.body().length() + " vs " + plain.body().length());
                    assertNull(all.<TestApp.Response>resultAt(2).header("Content-Encoding"), "below 1 KiB");
                    assertEquals("Accept-Encoding", all.<TestApp.Response>resultAt(2).header("Vary"));
                    assertNull(all.<TestApp.Response>resultAt(3).header("Content-Encoding"), "gzip refused, deflate not offered");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("SO-Browser-TZ-Offset sets the zone of date-times when SO-TimeZone does not; SO-TimeZone's includeTZOffset option is accepted; bad values are 400")
    void zoneHeaders(VertxTestContext ctx) {
        String path = "/api/v1/ChatSession/1?$select=WhenRequested";
        Future.all(List.of(
                        app.get(path, "SO-Browser-TZ-Offset", "120", "User-Agent", "SO-TS-WebApi/1.0"),
                        app.get(path, "SO-Browser-TZ-Offset", "120", "SO-TimeZone", "UTC"),
                        app.get(path, "SO-TimeZone", "includeTZOffset"),
                        app.get(path, "SO-TimeZone", "Europe/Oslo,includeTZOffset", "SO-Browser-TZ-Offset", "-300"),
                        app.get(path, "SO-Browser-TZ-Offset", "abc"),
                        app.get(path, "SO-Browser-TZ-Offset", "900"),
                        app.get(path, "SO-TimeZone", "UTC,NO")))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertEquals("2026-03-10T09:00:00.123457+02:00", when(all.resultAt(0)));
                    assertEquals("2026-03-10T07:00:00.123457+00:00", when(all.resultAt(1)));
                    assertEquals("2026-03-10T07:00:00.123457+00:00", when(all.resultAt(2)));
                    assertEquals("2026-03-10T08:00:00.123457+01:00", when(all.resultAt(3)));
                    for (int i = 4; i < 7; i++) {
                        assertEquals(400, all.<TestApp.Response>resultAt(i).status(), "request " + i);
                    }
                    assertTrue(all.<TestApp.Response>resultAt(4).json().getString("ErrorMessage").contains("abc"));
                    ctx.completeNow();
                })));
    }

    private static String when(TestApp.Response response) {
        assertEquals(200, response.status(), response.body().toString());
        return response.json().getString("WhenRequested");
    }

    private static int firstId(int session) {
        return Integer.parseInt(DB.value("SELECT min(chat_message_id) FROM chat_message WHERE chat_session_id = " + session));
    }
}
