package chatapi.session;

import static chatapi.support.ShapeAssert.assertSameShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.SpecSamples;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("POST /api/v1/ChatSession")
class CreateSessionTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    @Test
    @DisplayName("creates a session in the queue and answers the stored entity with _Links")
    void createsASession(VertxTestContext ctx) throws SQLException {
        int pending = Integer.parseInt(DB.value("SELECT count(*) FROM chat_session WHERE status = 'InQueue'"));
        app.post("/api/v1/ChatSession", "{\"topicId\":2,\"customerName\":\"Ola Nordmann\","
                        + "\"CustomerEmail\":\"ola@example.com\",\"customerConsented\":true,\"Status\":\"Closed\","
                        + "\"ChatSessionId\":777}")
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertEquals(200, resp.status());
                    JsonObject s = resp.json();
                    assertSameShape(SpecSamples.responseBody("GET-ChatSession-id.md"), nullsFilledFromSample(s));
                    int id = s.getInteger("ChatSessionId");
                    assertNotEquals(777, id);
                    assertEquals(2, s.getInteger("TopicId"));
                    assertEquals("InQueue", s.getString("Status"), "the server sets Status");
                    assertEquals("Ola Nordmann", s.getString("CustomerName"));
                    assertEquals("ola@example.com", s.getString("CustomerEmail"));
                    assertEquals(true, s.getBoolean("CustomerConsented"));
                    assertEquals("127.0.0.1", s.getString("CustomerHost"), "defaults to the caller's address");
                    assertEquals(pending + 1, s.getInteger("InitialQueuePos"));
                    Duration age = Duration.between(OffsetDateTime.parse(s.getString("WhenRequested")),
                            OffsetDateTime.now());
                    assertTrue(age.abs().toSeconds() < 30, "WhenRequested is now: " + s.getString("WhenRequested"));
                    assertNull(s.getValue("User"));
                    assertTrue(s.getJsonObject("_Links").getString("Self").endsWith("/api/v1/ChatSession/" + id));
                    assertEquals("Ola Nordmann|InQueue", DB.value("SELECT customer_name || '|' || status FROM chat_session"
                            + " WHERE chat_session_id = " + id));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("every SessionKey is fresh and carries at least 128 random bits")
    void sessionKeys(VertxTestContext ctx) {
        Future.all(app.post("/api/v1/ChatSession", "{\"TopicId\":1}"), app.post("/api/v1/ChatSession", "{\"TopicId\":1}"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    String first = all.<TestApp.Response>resultAt(0).json().getString("SessionKey");
                    String second = all.<TestApp.Response>resultAt(1).json().getString("SessionKey");
                    assertNotEquals(first, second);
                    assertTrue(Base64.getUrlDecoder().decode(first).length * 8 >= 128, first);
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a TopicId that does not exist, or none, or a bad one, is a 400 and nothing is stored")
    void badTopic(VertxTestContext ctx) throws SQLException {
        String before = DB.value("SELECT count(*) FROM chat_session");
        Future.all(app.post("/api/v1/ChatSession", "{\"TopicId\":424242}"),
                        app.post("/api/v1/ChatSession", "{\"CustomerName\":\"x\"}"),
                        app.post("/api/v1/ChatSession", "{\"TopicId\":\"1\"}"),
                        app.post("/api/v1/ChatSession", "{\"TopicId\":0}"),
                        app.post("/api/v1/ChatSession", "{\"TopicId\":1,\"CustomerName\":\"" + "x".repeat(256) + "\"}"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    String[] messages = {"TopicId 424242 does not exist", "Property 'TopicId' is required",
                        "Property 'TopicId' must be an integer (int32)", "Property 'TopicId' must be a positive integer",
                        "Property 'CustomerName' is longer than 255 characters"};
                    for (int i = 0; i < messages.length; i++) {
                        TestApp.Response r = all.resultAt(i);
                        assertEquals(400, r.status());
                        assertEquals(messages[i], r.json().getString("ErrorMessage"));
                    }
                    assertEquals(before, DB.value("SELECT count(*) FROM chat_session"));
                    ctx.completeNow();
                })));
    }

    /** A new session has no related entities and no start time: its null properties take the sample's values, so the shape check covers every value that is set. */
    private static JsonObject nullsFilledFromSample(JsonObject s) {
        JsonObject copy = s.copy();
        copy.fieldNames().removeIf(name -> copy.getValue(name) == null);
        JsonObject sample = (JsonObject) SpecSamples.responseBody("GET-ChatSession-id.md");
        sample.fieldNames().stream().filter(name -> !copy.containsKey(name))
                .forEach(name -> copy.put(name, sample.getValue(name)));
        return copy;
    }
}
