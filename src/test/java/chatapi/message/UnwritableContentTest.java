package chatapi.message;

import static chatapi.support.TestApp.ids;
import static chatapi.support.TestApp.messagesAfter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp.Response;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import chatapi.support.XmlTree;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Characters XML cannot carry, and rows that cannot be written at all: one message must never hang a request,
 * break a representation, or hold up the answers of other sessions.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Messages that cannot be written as they are: refused at write, served by every format, failures isolated")
class UnwritableContentTest {

    private static final String XML = "application/xml";

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    @ParameterizedTest(name = "U+{0}")
    @ValueSource(strings = {"0001", "0008", "000B", "000C", "000E", "001F", "FFFE", "FFFF", "D800"})
    @DisplayName("a posted message holding a character XML 1.0 cannot carry is a 400 naming the property and the character; nothing is stored")
    void refusedAtWrite(String hex, VertxTestContext ctx) {
        int session = DB.newSession();
        String body = "{\"Message\":\"a\\u" + hex + "b\"}";
        app.post("/api/v1/ChatSession/" + session + "/Messages", body)
                .compose(resp -> app.post("/api/v1/ChatSession/" + session + "/Messages",
                                "{\"Message\":\"fine\",\"Author\":\"x\\u" + hex + "\"}")
                        .map(author -> {
                            ctx.verify(() -> {
                                assertEquals(400, resp.status(), resp.body().toString());
                                assertEquals("BadRequest", resp.json().getString("ErrorType"));
                                String message = resp.json().getString("ErrorMessage");
                                assertTrue(message.contains("'Message'") && message.contains("U+" + hex), message);
                                assertEquals(400, author.status());
                                assertTrue(author.json().getString("ErrorMessage").contains("'Author'"));
                                assertEquals("0", DB.value("SELECT count(*) FROM chat_message WHERE chat_session_id = "
                                        + session));
                            });
                            return resp;
                        }))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("tab, line feed, carriage return and characters beyond the BMP are stored and answered unchanged in JSON and XML")
    void allowedCharacters(VertxTestContext ctx) {
        int session = DB.newSession();
        String text = "a\tb\nc\rd \uD83D\uDE00 \u00E6";
        app.post("/api/v1/ChatSession/" + session + "/Messages", new JsonObject().put("Message", text).encode())
                .compose(posted -> app.get("/api/v1/ChatSession/" + session + "/Messages", "Accept", XML)
                        .map(xml -> {
                            ctx.verify(() -> {
                                assertEquals(200, posted.status());
                                assertEquals(text, posted.json().getString("Message"));
                                assertEquals(200, xml.status());
                                assertEquals(text, firstXmlMessage(xml).getString("Message"));
                            });
                            return xml;
                        }))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a row written by plain SQL with control characters and U+FFFE/U+FFFF is served: exact in JSON, U+FFFD in well-formed XML, GET and parked poll alike")
    void foreignRowsAreServed(VertxTestContext ctx) {
        int session = DB.newSession();
        int first = Integer.parseInt(DB.value("INSERT INTO chat_message (chat_session_id, message, author) VALUES ("
                + session + ", 'a' || chr(1) || 'b' || chr(65534) || chr(65535) || chr(31), 'x' || chr(11))"
                + " RETURNING chat_message_id"));
        Future<Response> parkedXml = app.get(messagesAfter(session, first, 20), "Accept", XML);
        app.awaitParked(1)
                .compose(v -> Future.all(
                        app.get("/api/v1/ChatSession/" + session + "/Messages"),
                        app.get("/api/v1/ChatSession/" + session + "/Messages", "Accept", XML),
                        app.get("/api/v1/ChatSession/" + session + "/Messages", "Accept", "text/xml")))
                .compose(gets -> {
                    DB.execute("INSERT INTO chat_message (chat_session_id, message) VALUES (" + session
                            + ", 'woken' || chr(2))");
                    return parkedXml.map(woken -> {
                        ctx.verify(() -> {
                            Response json = gets.resultAt(0);
                            assertEquals(200, json.status());
                            assertEquals("a\u0001b\uFFFE\uFFFF\u001F", json.jsonArray().getJsonObject(0).getString("Message"));
                            assertEquals("x\u000B", json.jsonArray().getJsonObject(0).getString("Author"));
                            for (int i = 1; i <= 2; i++) {
                                Response xml = gets.resultAt(i);
                                assertEquals(200, xml.status());
                                JsonObject message = firstXmlMessage(xml);
                                assertEquals("a\uFFFDb\uFFFD\uFFFD\uFFFD", message.getString("Message"));
                                assertEquals("x\uFFFD", message.getString("Author"));
                            }
                            assertEquals(200, woken.status());
                            assertEquals("woken\uFFFD", firstXmlMessage(woken).getString("Message"));
                        });
                        return woken;
                    });
                })
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a message that cannot be written at all (WhenPosted 'infinity') fails its own requests with 500, GET and parked alike; a session woken by the same commit is answered")
    void failureIsIsolated(VertxTestContext ctx) {
        int broken = DB.newSession();
        int healthy = DB.newSession();
        Future<Response> brokenXml = app.get(messagesAfter(broken, 0, 20), "Accept", XML);
        Future<Response> brokenJson = app.get(messagesAfter(broken, 0, 20));
        Future<Response> healthyXml = app.get(messagesAfter(healthy, 0, 20), "Accept", XML);
        Future<Response> healthyJson = app.get(messagesAfter(healthy, 0, 20));
        app.awaitParked(4)
                .compose(v -> {
                    // One statement, one commit: both sessions are notified together.
                    DB.execute("INSERT INTO chat_message (chat_session_id, message, when_posted) VALUES ("
                            + broken + ", 'from the far future', 'infinity'), (" + healthy + ", 'hello', now())");
                    return Future.all(brokenXml, brokenJson, healthyXml, healthyJson);
                })
                .compose(parked -> app.get("/api/v1/ChatSession/" + broken + "/Messages").map(get -> {
                    ctx.verify(() -> {
                        for (int i = 0; i < 2; i++) {
                            Response failed = parked.resultAt(i);
                            assertEquals(500, failed.status(), failed.body().toString());
                            assertTrue(failed.body().toString().contains("InternalServerError"), failed.body().toString());
                        }
                        assertEquals("hello", firstXmlMessage(parked.resultAt(2)).getString("Message"));
                        Response json = parked.resultAt(3);
                        assertEquals(200, json.status());
                        assertEquals(List.of(Integer.parseInt(DB.value("SELECT max(chat_message_id) FROM chat_message"
                                + " WHERE chat_session_id = " + healthy))), ids(json.jsonArray()));
                        assertEquals(500, get.status());
                        assertEquals("InternalServerError", get.json().getString("ErrorType"));
                        assertEquals(0, app.longPoll().parked());
                    });
                    return get;
                }))
                .onComplete(ctx.succeedingThenComplete());
    }

    /** The first ChatMessage of an ArrayOfChatMessage answer, as a map of its elements. */
    private static JsonObject firstXmlMessage(Response xml) {
        XmlTree.Root root = XmlTree.parse(xml.body().toString());
        assertEquals("ArrayOfChatMessage", root.name());
        Object messages = ((JsonObject) root.content()).getValue("ChatMessage");
        return messages instanceof JsonArray list ? list.getJsonObject(0) : (JsonObject) messages;
    }
}
