package chatapi.message;

import static chatapi.support.ShapeAssert.assertSameShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.SpecSamples;
import chatapi.support.TestApp.Response;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(VertxExtension.class)
@DisplayName("POST /api/v1/ChatSession/{id}/Messages")
class PostMessageTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    @Test
    @DisplayName("stores the message and answers it with the server's id, session and time, in the reference shape")
    void storesAndAnswers(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        OffsetDateTime before = OffsetDateTime.now().minusSeconds(5);
        app.post(path(session), "{\"Message\":\"Hello\",\"Type\":\"ToCustomer\",\"Author\":\"tje0\","
                        + "\"ReadByCustomer\":1,\"SpecialType\":\"Url\",\"SpecialParam\":\"https://example.com\","
                        + "\"ChatMessageId\":999,\"ChatSessionId\":12345,\"WhenPosted\":\"2001-01-01T00:00:00Z\"}")
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertEquals(200, resp.status());
                    assertEquals("application/json; charset=utf-8", resp.header("Content-Type"));
                    JsonObject m = resp.json();
                    assertSameShape(((io.vertx.core.json.JsonArray) SpecSamples.responseBody(
                            "GET-ChatSession-id-Messages.md")).getValue(0), m);
                    assertEquals(session, m.getInteger("ChatSessionId"), "the path's session, not the body's");
                    assertTrue(m.getInteger("ChatMessageId") != 999, "the server assigns the id");
                    assertTrue(OffsetDateTime.parse(m.getString("WhenPosted")).isAfter(before), "the server's time");
                    assertEquals("Hello", m.getString("Message"));
                    assertEquals("ToCustomer", m.getString("Type"));
                    assertEquals("tje0", m.getString("Author"));
                    assertEquals(1, m.getInteger("ReadByCustomer"));
                    assertEquals("Url", m.getString("SpecialType"));
                    assertEquals("https://example.com", m.getString("SpecialParam"));
                    assertEquals("Hello|ToCustomer|Url", DB.value("SELECT message || '|' || type || '|' || special_type"
                            + " FROM chat_message WHERE chat_message_id = " + m.getInteger("ChatMessageId")));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("camelCase property names are accepted, unknown ones ignored, defaults filled in")
    void camelCaseAndDefaults(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        app.post(path(session), "{\"message\":\"hi\",\"somethingElse\":{\"x\":[1,2]}}")
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertEquals(200, resp.status());
                    JsonObject m = resp.json();
                    assertEquals("hi", m.getString("Message"));
                    assertEquals("ToUser", m.getString("Type"));
                    assertEquals("None", m.getString("SpecialType"));
                    assertEquals("", m.getString("Author"));
                    assertEquals(0, m.getInteger("ReadByCustomer"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("updates the session in the same transaction: FirstMessage once, LastMessage and WhenIdle each time")
    void updatesTheSession(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        app.post(path(session), "{\"Message\":\"first\"}")
                .compose(v -> app.post(path(session), "{\"Message\":\"second\"}"))
                .compose(v -> app.get("/api/v1/ChatSession/" + session))
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    JsonObject s = resp.json();
                    assertEquals("first", s.getString("FirstMessage"));
                    assertEquals("second", s.getString("LastMessage"));
                    assertNotNull(s.getString("WhenIdle"));
                    assertEquals("2", DB.value("SELECT count(*) FROM chat_message WHERE chat_session_id = " + session));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("the longest allowed message (32,000 characters) is stored whole")
    void longestMessage(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        String text = "é".repeat(32_000);
        app.post(path(session), new JsonObject().put("Message", text).encode())
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertEquals(200, resp.status());
                    assertEquals(text, resp.json().getString("Message"));
                    ctx.completeNow();
                })));
    }

    @ParameterizedTest(name = "{0} -> 400")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{}|Property 'Message' is required",
        "{\"Message\":\"\"}|Property 'Message' is required",
        "{\"Message\":null}|Property 'Message' is required",
        "{\"Message\":5}|Property 'Message' must be a string",
        "{\"Message\":\"x\",\"Type\":\"Shout\"}|Property 'Type' must be one of Invalid, ToCustomer, ToUser, Special",
        "{\"Message\":\"x\",\"Type\":1}|Property 'Type' must be one of Invalid, ToCustomer, ToUser, Special",
        "{\"Message\":\"x\",\"SpecialType\":\"Nope\"}|Property 'SpecialType' must be one of",
        "{\"Message\":\"x\",\"ReadByCustomer\":\"1\"}|Property 'ReadByCustomer' must be an integer (int32)",
        "{\"Message\":\"x\",\"ReadByCustomer\":1.5}|Property 'ReadByCustomer' must be an integer (int32)",
        "{\"Message\":\"x\",\"Author\":true}|Property 'Author' must be a string",
        "{\"Message\":\"a\\u0000b\"}|Property 'Message' must not contain NUL characters",
        "[]|The request body must be one JSON object",
        "\"text\"|The request body must be one JSON object",
        "{\"Message\":\"x\"} {}|The request body must be one JSON object",
        "{\"Message\":\"x\",\"Message\":\"y\"}|The request body is not valid JSON",
        "{bad|The request body is not valid JSON",
        "null|A JSON object is required as the request body",
    })
    @DisplayName("a bad body is a 400 naming the problem, and nothing is stored")
    void badBodies(String body, String message, VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        app.post(path(session), body).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(400, resp.status(), resp.body().toString());
            assertEquals("BadRequest", resp.json().getString("ErrorType"));
            assertTrue(resp.json().getString("ErrorMessage").startsWith(message), resp.json().getString("ErrorMessage"));
            assertEquals("0", DB.value("SELECT count(*) FROM chat_message WHERE chat_session_id = " + session));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("a message over 32,000 characters is a 400")
    void tooLongMessage(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        app.post(path(session), new JsonObject().put("Message", "x".repeat(32_001)).encode())
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertEquals(400, resp.status());
                    assertEquals("Property 'Message' is longer than 32000 characters",
                            resp.json().getString("ErrorMessage"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a body over 64 KiB is a 413 with the error shape")
    void tooLargeBody(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        app.post(path(session), new JsonObject().put("Message", "x").put("Pad", "y".repeat(70_000)).encode())
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertEquals(413, resp.status());
                    assertEquals("PayloadTooLarge", resp.json().getString("ErrorType"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a body that is not JSON by its Content-Type, or has none, is a 415; nothing is stored")
    void contentTypes(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        app.request(HttpMethod.POST, path(session), Buffer.buffer("{\"Message\":\"x\"}"), "Content-Type", "text/plain")
                .compose(plain -> app.request(HttpMethod.POST, path(session), Buffer.buffer("{\"Message\":\"y\"}"))
                        .map(none -> {
                            ctx.verify(() -> {
                                assertEquals(415, plain.status());
                                assertEquals("UnsupportedMediaType", plain.json().getString("ErrorType"));
                                assertEquals(415, none.status());
                                assertEquals("0", DB.value("SELECT count(*) FROM chat_message WHERE chat_session_id = "
                                        + session));
                            });
                            return none;
                        }))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("posting to an absent session is a 404, and nothing is stored")
    void absentSession(VertxTestContext ctx) throws SQLException {
        String before = DB.value("SELECT count(*) FROM chat_message");
        app.post(path(55555), "{\"Message\":\"x\"}").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(404, resp.status());
            assertEquals("ChatSession 55555 not found", resp.json().getString("ErrorMessage"));
            assertEquals(before, DB.value("SELECT count(*) FROM chat_message"));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("a widget loop (after = last seen id) receives every one of 50 concurrent posts once, in order")
    void concurrentPostsReachAWidgetLoopInOrder(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        java.util.List<Integer> seen = new java.util.ArrayList<>();
        io.vertx.core.Future<Void> reader = readUntil(session, 0, 50, seen);
        java.util.List<io.vertx.core.Future<Response>> posts = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            posts.add(app.post(path(session), "{\"Message\":\"m" + i + "\"}"));
        }
        io.vertx.core.Future.all(posts).compose(all -> reader).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
            java.util.List<Integer> posted = posts.stream()
                    .map(p -> p.result().json().getInteger("ChatMessageId")).sorted().toList();
            assertEquals(posted, seen, "every posted id once, ascending");
            ctx.completeNow();
        })));
    }

    /** The widget loop: poll after the last id seen until {@code count} messages have arrived. */
    private static io.vertx.core.Future<Void> readUntil(int session, int after, int count, java.util.List<Integer> seen) {
        if (seen.size() >= count) {
            return io.vertx.core.Future.succeededFuture();
        }
        return app.get(path(session) + "?after=" + after + "&wait=10").compose(resp -> {
            if (resp.status() != 200 || resp.jsonArray().isEmpty()) {
                return io.vertx.core.Future.failedFuture(new AssertionError("poll answered " + resp.status()
                        + " " + resp.body() + " after " + seen.size() + " messages"));
            }
            resp.jsonArray().forEach(m -> seen.add(((JsonObject) m).getInteger("ChatMessageId")));
            return readUntil(session, seen.get(seen.size() - 1), count, seen);
        });
    }

    static String path(int session) {
        return "/api/v1/ChatSession/" + session + "/Messages";
    }
}
