package chatapi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /api/v1/ChatSession/default, PUT, PATCH and DELETE /api/v1/ChatSession/{id}. */
@ExtendWith(VertxExtension.class)
@DisplayName("GET ChatSession/default, PUT, PATCH and DELETE ChatSession/{id}")
class SessionUpdatesTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    private static final String JSON = "application/json";
    private static final String JSON_PATCH = "application/json-patch+json";

    @Test
    @DisplayName("GET default answers an unsaved entity (id 0, in the queue) with $select; customers get 403")
    void defaultEntity(VertxTestContext ctx) {
        Future.all(app.get("/api/v1/ChatSession/default"), app.get("/api/v1/ChatSession/default?$select=Status"),
                        app.get("/api/v1/ChatSession/default", "Authorization", app.customerAuthorization(1)))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    JsonObject blank = all.<TestApp.Response>resultAt(0).json();
                    assertEquals(0, blank.getInteger("ChatSessionId"));
                    assertEquals("InQueue", blank.getString("Status"));
                    assertEquals("", blank.getString("CustomerName"));
                    assertNull(blank.getValue("User"));
                    assertTrue(blank.getJsonObject("_Links").getString("Self").endsWith("/api/v1/ChatSession/0"));
                    JsonObject selected = all.<TestApp.Response>resultAt(1).json();
                    assertEquals("InQueue", selected.getString("Status"));
                    assertNull(selected.getValue("CustomerName"));
                    assertEquals(403, all.<TestApp.Response>resultAt(2).status());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("PUT replaces the writable properties (the path's id counts, not the body's), answers the entity with _Links; absent → 404, no body → 400, no TopicId → 400")
    void put(VertxTestContext ctx) throws SQLException {
        int id = DB.newSession();
        String body = "{\"ChatSessionId\":999,\"TopicId\":2,\"CustomerName\":\"Put\",\"CustomerEmail\":\"put@example.com\","
                + "\"Status\":\"UserLast\",\"Flags\":\"UserIsTyping\",\"User\":{\"AssociateId\":2},\"Rank\":3,"
                + "\"FirstMessage\":\"not written\",\"SessionKey\":\"not written\"}";
        Future.all(List.of(
                        put("/api/v1/ChatSession/" + id + "?$select=CustomerName,User/Name", body),
                        put("/api/v1/ChatSession/424242", body),
                        app.request(HttpMethod.PUT, "/api/v1/ChatSession/" + id, null, "Content-Type", JSON),
                        put("/api/v1/ChatSession/" + id, "{\"CustomerName\":\"no topic\"}"),
                        put("/api/v1/ChatSession/" + id, "{\"TopicId\":1,\"User\":{\"AssociateId\":77}}")))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    TestApp.Response stored = all.resultAt(0);
                    assertEquals(200, stored.status(), stored.body().toString());
                    JsonObject entity = stored.json();
                    assertEquals(id, entity.getInteger("ChatSessionId"));
                    assertEquals("Put", entity.getString("CustomerName"));
                    assertEquals("ann1", entity.getJsonObject("User").getString("Name"));
                    assertNull(entity.getValue("Status"), "not selected");
                    assertTrue(entity.getJsonObject("_Links").getString("Self").endsWith("/api/v1/ChatSession/" + id));
                    assertEquals("2|Put|put@example.com|UserLast|2|2|3|", DB.value("SELECT topic_id || '|' || customer_name"
                            + " || '|' || customer_email || '|' || status || '|' || flags || '|' || user_associate_id || '|'"
                            + " || rank || '|' || first_message FROM chat_session WHERE chat_session_id = " + id));
                    assertEquals("0", DB.value("SELECT count(*) FROM chat_session WHERE session_key = 'not written'"));
                    assertEquals(404, all.<TestApp.Response>resultAt(1).status());
                    assertEquals("0", DB.value("SELECT count(*) FROM chat_session WHERE chat_session_id IN (999, 424242)"));
                    assertEquals(400, all.<TestApp.Response>resultAt(2).status());
                    assertTrue(all.<TestApp.Response>resultAt(3).json().getString("ErrorMessage").contains("TopicId"));
                    assertEquals(400, all.<TestApp.Response>resultAt(4).status());
                    assertTrue(all.<TestApp.Response>resultAt(4).json().getString("ErrorMessage").contains("User 77"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("DELETE answers 204 and removes the session with its messages; a poll parked on it is answered 404 at once, one on another session stays parked; a second DELETE is 404")
    void delete(VertxTestContext ctx) throws SQLException {
        int id = DB.newSession();
        int other = DB.newSession();
        Future<TestApp.Response> doomed = app.get("/api/v1/ChatSession/" + id + "/Messages?after=0&wait=60");
        Future<TestApp.Response> bystander = app.get("/api/v1/ChatSession/" + other + "/Messages?after=0&wait=60");
        app.post("/api/v1/ChatSession/" + id + "/Messages", "{\"Message\":\"first\"}")
                .compose(v -> doomed) // answered with the message; park again after it
                .compose(v -> {
                    Future<TestApp.Response> parked = app.get("/api/v1/ChatSession/" + id + "/Messages?after="
                            + v.jsonArray().getJsonObject(0).getInteger("ChatMessageId") + "&wait=60");
                    return app.awaitParkedExactly(2)
                            .compose(x -> app.request(HttpMethod.DELETE, "/api/v1/ChatSession/" + id, null))
                            .compose(deleted -> Future.all(Future.succeededFuture(deleted), parked,
                                    app.request(HttpMethod.DELETE, "/api/v1/ChatSession/" + id, null)));
                })
                .compose(all -> app.awaitParkedExactly(1).map(all))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    TestApp.Response deleted = all.resultAt(0);
                    assertEquals(204, deleted.status());
                    assertEquals(0, deleted.body().length());
                    TestApp.Response woken = all.resultAt(1);
                    assertEquals(404, woken.status());
                    assertEquals("SoNotFoundException", woken.json().getString("ErrorType"));
                    assertEquals(404, all.<TestApp.Response>resultAt(2).status());
                    assertEquals("0|0", DB.value("SELECT (SELECT count(*) FROM chat_session WHERE chat_session_id = " + id
                            + ") || '|' || (SELECT count(*) FROM chat_message WHERE chat_session_id = " + id + ")"));
                    assertEquals(false, bystander.isComplete(), "the other session's poll stays parked");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("PATCH with JSON Patch: test, replace, add into a related object, remove; paths in any case, leading / optional; answers like GET with Last-Modified")
    void jsonPatch(VertxTestContext ctx) throws SQLException {
        int id = DB.newSession();
        DB.execute("UPDATE chat_session SET customer_alias = 'Visitor', customer_phone = '123' WHERE chat_session_id = " + id);
        String patch = "[{\"op\":\"test\",\"path\":\"customeralias\",\"value\":\"Visitor\"},"
                + "{\"op\":\"replace\",\"path\":\"/CUSTOMERNAME\",\"value\":\"Patched\"},"
                + "{\"op\":\"add\",\"path\":\"/User/AssociateId\",\"value\":2},"
                + "{\"op\":\"remove\",\"path\":\"/CustomerPhone\"},"
                + "{\"op\":\"test\",\"path\":\"/TopicId\",\"value\":1.0}]";
        patch("/api/v1/ChatSession/" + id + "?$select=CustomerName,User/Name", JSON_PATCH, patch)
                .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
                    assertEquals(200, r.status(), r.body().toString());
                    assertEquals("Patched", r.json().getString("CustomerName"));
                    assertEquals("ann1", r.json().getJsonObject("User").getString("Name"));
                    assertTrue(r.header("Last-Modified").endsWith(" GMT"), r.header("Last-Modified"));
                    assertEquals("Patched|2||Visitor", DB.value("SELECT customer_name || '|' || user_associate_id || '|' ||"
                            + " customer_phone || '|' || customer_alias FROM chat_session WHERE chat_session_id = " + id));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("PATCH with JSON Merge Patch: keys in any case, null unlinks, the rest stays")
    void mergePatch(VertxTestContext ctx) throws SQLException {
        int id = DB.newSession();
        DB.execute("UPDATE chat_session SET user_associate_id = 1, customer_name = 'Kept' WHERE chat_session_id = " + id);
        patch("/api/v1/ChatSession/" + id, "application/merge-patch+json; charset=utf-8",
                "{\"customerEmail\":\"m@example.com\",\"USER\":null,\"Flags\":\"UserIsTyping\"}")
                .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
                    assertEquals(200, r.status(), r.body().toString());
                    assertNull(r.json().getValue("User"));
                    assertEquals("m@example.com|Kept|2|null", DB.value("SELECT customer_email || '|' || customer_name || '|' ||"
                            + " flags || '|' || coalesce(user_associate_id::text, 'null') FROM chat_session"
                            + " WHERE chat_session_id = " + id));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("PATCH and PUT refusals: failed test 409, If-Unmodified-Since before the last change 412 (and after it 200), read-only 400, unknown path 400, bad op 400, wrong shape 400, text/plain 415, absent 404 — nothing changes")
    void patchRefusals(VertxTestContext ctx) throws SQLException {
        int id = DB.newSession();
        DB.execute("UPDATE chat_session SET customer_name = 'Before' WHERE chat_session_id = " + id);
        String path = "/api/v1/ChatSession/" + id;
        String rename = "[{\"op\":\"replace\",\"path\":\"/CustomerName\",\"value\":\"After\"}]";
        String past = "Mon, 01 Jan 2024 00:00:00 GMT";
        app.get(path + "?$select=CustomerName").compose(read -> Future.all(List.of(
                        patch(path, JSON_PATCH, "[{\"op\":\"test\",\"path\":\"/CustomerName\",\"value\":\"Other\"}," + rename.substring(1)),
                        app.request(HttpMethod.PATCH, path, Buffer.buffer(rename), "Content-Type", JSON_PATCH,
                                "If-Unmodified-Since", past),
                        app.request(HttpMethod.PUT, path, Buffer.buffer("{\"TopicId\":1,\"CustomerName\":\"After\"}"),
                                "Content-Type", JSON, "If-Unmodified-Since", past),
                        patch(path, JSON_PATCH, "[{\"op\":\"replace\",\"path\":\"/FirstMessage\",\"value\":\"x\"}]"),
                        patch(path, JSON_PATCH, "[{\"op\":\"replace\",\"path\":\"/Nope\",\"value\":\"x\"}]"),
                        patch(path, JSON_PATCH, "[{\"op\":\"shout\",\"path\":\"/CustomerName\",\"value\":\"x\"}]"),
                        patch(path, JSON_PATCH, "{\"CustomerName\":\"x\"}"),
                        patch(path, "text/plain", rename),
                        patch("/api/v1/ChatSession/424242", JSON_PATCH, rename),
                        patch(path, JSON_PATCH, "[{\"op\":\"replace\",\"path\":\"/TopicId\",\"value\":\"1\"}]")))
                .compose(all -> {
                    ctx.verify(() -> {
                        int[] expected = {409, 412, 412, 400, 400, 400, 400, 415, 404, 400};
                        for (int i = 0; i < expected.length; i++) {
                            assertEquals(expected[i], all.<TestApp.Response>resultAt(i).status(),
                                    i + ": " + all.<TestApp.Response>resultAt(i).body());
                        }
                        assertTrue(all.<TestApp.Response>resultAt(3).json().getString("ErrorMessage").contains("FirstMessage"));
                        assertTrue(all.<TestApp.Response>resultAt(4).json().getString("ErrorMessage").contains("Nope"));
                        assertTrue(all.<TestApp.Response>resultAt(9).json().getString("ErrorMessage").contains("TopicId"));
                        assertEquals("Before", DB.value("SELECT customer_name FROM chat_session WHERE chat_session_id = " + id));
                    });
                    // The Last-Modified of the read, sent back: nothing changed since, so the patch applies.
                    return app.request(HttpMethod.PATCH, path, Buffer.buffer(rename), "Content-Type", JSON_PATCH,
                            "If-Unmodified-Since", read.header("Last-Modified"));
                }))
                .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
                    assertEquals(200, r.status(), r.body().toString());
                    assertEquals("After", DB.value("SELECT customer_name FROM chat_session WHERE chat_session_id = " + id));
                    ctx.completeNow();
                })));
    }

    private static Future<TestApp.Response> patch(String path, String contentType, String body) {
        return app.request(HttpMethod.PATCH, path, Buffer.buffer(body), "Content-Type", contentType);
    }

    private static Future<TestApp.Response> put(String path, String json) {
        return app.request(HttpMethod.PUT, path, Buffer.buffer(json), "Content-Type", JSON);
    }
}
