package chatapi.message;

import static chatapi.support.TestApp.ids;
import static chatapi.support.ShapeAssert.assertSameShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.SpecSamples;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
@DisplayName("GET /api/v1/ChatSession/{id}/Messages")
class MessagesApiTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    @Test
    @DisplayName("without after: every message of the session, ascending, in the reference sample's shape")
    void allMessagesInOrder(VertxTestContext ctx) {
        Object sample = SpecSamples.responseBody("GET-ChatSession-id-Messages.md");
        app.get("/api/v1/ChatSession/1/Messages", "Authorization", "Basic dGplMDpUamUw")
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertEquals(200, resp.status());
                    assertEquals("application/json; charset=utf-8", resp.header("Content-Type"));
                    JsonArray messages = resp.jsonArray();
                    assertEquals(List.of(1, 2, 3), ids(messages));
                    assertSameShape(sample, messages);
                    JsonObject first = messages.getJsonObject(0);
                    assertEquals(1, first.getInteger("ChatSessionId"));
                    assertEquals("ToUser", first.getString("Type"));
                    assertEquals("Hi, when can you deliver the city bikes?", first.getString("Message"));
                    assertEquals("None", first.getString("SpecialType"));
                    assertEquals("2026-03-10T07:00:05+00:00", first.getString("WhenPosted"));
                    ctx.completeNow();
                })));
    }

    @ParameterizedTest(name = "after={0} gives {1}")
    @CsvSource(delimiter = ';', value = {"0;1,2,3", "1;2,3", "2;3", "3;''", "2147483647;''", "00001;2,3"})
    @DisplayName("after=N with wait=0 gives exactly the messages with a greater id, ascending, at once")
    void afterBoundaries(String after, String expected, VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/1/Messages?wait=0&after=" + after).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(200, resp.status());
            assertEquals(parseIds(expected), ids(resp.jsonArray()));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("a session without messages answers an empty array")
    void sessionWithoutMessages(VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/2/Messages?after=0&wait=0").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(200, resp.status());
            assertEquals(new JsonArray(), resp.jsonArray());
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("messages of other sessions never appear, and ids interleaved between sessions stay ordered")
    void onlyThisSessionsMessages(VertxTestContext ctx) throws Exception {
        try (Connection c = DB.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO chat_session (chat_session_id, topic_id) VALUES (50, 1), (51, 1)");
            st.execute("INSERT INTO chat_message (chat_session_id, message) VALUES "
                    + "(50, 'a'), (51, 'b'), (50, 'c'), (51, 'd'), (50, 'e')");
        }
        app.get("/api/v1/ChatSession/50/Messages").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            JsonArray messages = resp.jsonArray();
            List<String> texts = new ArrayList<>();
            messages.forEach(m -> texts.add(((JsonObject) m).getString("Message")));
            assertEquals(List.of("a", "c", "e"), texts);
            List<Integer> ids = ids(messages);
            assertTrue(ids.get(0) < ids.get(1) && ids.get(1) < ids.get(2), "ascending: " + ids);
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("an absent session is a 404 with the error shape, with or without after")
    void absentSession(VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/424242/Messages?after=1").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(404, resp.status());
            assertEquals("SoNotFoundException", resp.json().getString("ErrorType"));
            assertEquals("ChatSession 424242 not found", resp.json().getString("ErrorMessage"));
            ctx.completeNow();
        })));
    }

    @ParameterizedTest(name = "after=''{0}'' is a 400")
    @ValueSource(strings = {"abc", "1.5", "99999999999", "2147483648", "-1", "", "1,2"})
    @DisplayName("an after that is not an int32 of at least 0 is a 400 naming it")
    void badAfter(String after, VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/1/Messages?after=" + after).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(400, resp.status());
            assertEquals("BadRequest", resp.json().getString("ErrorType"));
            assertTrue(resp.json().getString("ErrorMessage").startsWith("'after' must be an integer"),
                    resp.json().encode());
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("after given twice is a 400")
    void repeatedAfter(VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/1/Messages?after=1&after=2").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(400, resp.status());
            assertEquals("Query parameter 'after' must be given at most once", resp.json().getString("ErrorMessage"));
            ctx.completeNow();
        })));
    }

    @ParameterizedTest(name = "id ''{0}'' is a 400")
    @ValueSource(strings = {"abc", "1.5", "99999999999", "-1", "0"})
    @DisplayName("a bad session id is a 400 here too")
    void badId(String id, VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/" + id + "/Messages").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(400, resp.status());
            assertTrue(resp.json().getString("ErrorMessage").startsWith("'id' must be an integer"));
            ctx.completeNow();
        })));
    }

    private static List<Integer> parseIds(String csv) {
        List<Integer> ids = new ArrayList<>();
        if (!csv.isEmpty()) {
            for (String id : csv.split(",")) {
                ids.add(Integer.parseInt(id));
            }
        }
        return ids;
    }
}
