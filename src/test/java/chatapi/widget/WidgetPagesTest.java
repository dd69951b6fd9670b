package chatapi.widget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The widget's pages and the development-only POST /dev/StartChat, over HTTP (the browser test drives them). */
@ExtendWith(VertxExtension.class)
@DisplayName("The reference widget's pages and POST /dev/StartChat")
class WidgetPagesTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp dev = TestApp.on(DB, json -> json.put("devStartChat", true));

    @RegisterExtension
    @Order(3)
    static final TestApp plain = TestApp.on(DB);

    private static final String NO_CREDENTIALS = "Authorization";

    @Test
    @DisplayName("a server started with devStartChat logs a warning saying so")
    void devStartChatWarns(io.vertx.core.Vertx vertx, VertxTestContext ctx) {
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(chatapi.Application.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        logger.addAppender(log);
        TestApp.start(vertx, DB.config(json -> json.put("devStartChat", true)))
                .compose(app -> app.stop())
                .eventually(() -> {
                    logger.detachAppender(log);
                    return Future.succeededFuture();
                })
                .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
                    assertTrue(log.list.stream().anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                            && e.getFormattedMessage().startsWith("devStartChat is on")), log.list.toString());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("/widget/ and /widget/agent.html are HTML with a same-origin content policy; scripts and styles have their types; /widget redirects; nothing outside the widget's folder is served")
    void pages(VertxTestContext ctx) {
        Future.all(java.util.List.of(
                        plain.get("/widget/", NO_CREDENTIALS, null),
                        plain.get("/widget/agent.html", NO_CREDENTIALS, null),
                        plain.get("/widget/chat.js", NO_CREDENTIALS, null),
                        plain.get("/widget/widget.css", NO_CREDENTIALS, null),
                        plain.get("/widget", NO_CREDENTIALS, null),
                        plain.get("/widget/../i18n/messages.properties", NO_CREDENTIALS, null),
                        plain.get("/widget/%2e%2e/i18n/messages.properties", NO_CREDENTIALS, null),
                        plain.get("/widget/nothing.html", NO_CREDENTIALS, null)))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    TestApp.Response customer = all.resultAt(0);
                    assertEquals(200, customer.status());
                    assertEquals("text/html;charset=UTF-8", customer.header("Content-Type"));
                    assertTrue(customer.body().toString().contains("<script type=\"module\" src=\"customer.js\">"));
                    assertTrue(customer.header("Content-Security-Policy").startsWith("default-src 'self';"));
                    assertEquals("nosniff", customer.header("X-Content-Type-Options"));
                    TestApp.Response agent = all.resultAt(1);
                    assertEquals(200, agent.status());
                    assertTrue(agent.body().toString().contains("<script type=\"module\" src=\"agent.js\">"));
                    TestApp.Response script = all.resultAt(2);
                    assertEquals(200, script.status());
                    assertTrue(script.header("Content-Type").startsWith("text/javascript"), script.header("Content-Type"));
                    assertTrue(script.body().toString().contains("export class MessageStream"));
                    assertTrue(all.<TestApp.Response>resultAt(3).header("Content-Type").startsWith("text/css"));
                    TestApp.Response redirect = all.resultAt(4);
                    assertEquals(301, redirect.status());
                    assertEquals("/widget/", redirect.header("Location"));
                    for (int i = 5; i <= 7; i++) {
                        TestApp.Response outside = all.resultAt(i);
                        assertEquals(404, outside.status(), "request " + i);
                        assertFalse(outside.body().toString().contains("<configuration"), "request " + i);
                    }
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("POST /dev/StartChat creates a session in the queue and answers a customer token that reaches that session's messages and nothing else")
    void startChat(VertxTestContext ctx) {
        dev.post("/dev/StartChat", "{\"topicId\":1,\"customerName\":\"Kari\",\"CustomerEmail\":\"kari@example.com\"}",
                        NO_CREDENTIALS, null)
                .compose(started -> {
                    ctx.verify(() -> {
                        assertEquals(200, started.status());
                        assertEquals("application/json; charset=utf-8", started.header("Content-Type"));
                        JsonObject body = started.json();
                        assertEquals(java.util.Set.of("ChatSessionId", "Token", "Expires"), body.fieldNames());
                        long seconds = java.time.Duration.between(OffsetDateTime.now(),
                                OffsetDateTime.parse(body.getString("Expires"))).toSeconds();
                        assertTrue(seconds > 28_700 && seconds <= 28_800, "a ticket's lifetime (8 h): " + seconds);
                        assertEquals("Kari|kari@example.com|InQueue|1", DB.value("SELECT customer_name || '|' || customer_email"
                                + " || '|' || status || '|' || topic_id FROM chat_session WHERE chat_session_id = "
                                + body.getInteger("ChatSessionId")));
                    });
                    JsonObject body = started.json();
                    String bearer = "Bearer " + body.getString("Token");
                    int id = body.getInteger("ChatSessionId");
                    return Future.all(
                            dev.get("/api/v1/ChatSession/" + id + "/Messages", "Authorization", bearer),
                            dev.post("/api/v1/ChatSession/" + id + "/Messages", "{\"Message\":\"hi\"}", "Authorization", bearer),
                            dev.get("/api/v1/ChatSession/1/Messages", "Authorization", bearer),
                            dev.get("/api/v1/ChatSession/" + id, "Authorization", bearer));
                })
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertEquals(200, all.<TestApp.Response>resultAt(0).status());
                    assertEquals(200, all.<TestApp.Response>resultAt(1).status());
                    assertEquals(403, all.<TestApp.Response>resultAt(2).status(), "another session's messages");
                    TestApp.Response own = all.resultAt(3);
                    assertEquals(200, own.status(), "a customer reads its own session's live state");
                    assertEquals("InQueue", own.json().getString("Status"));
                    assertNull(own.json().getValue("CustomerName"), "and nothing else of it");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("GET /dev/ChatTopic/{id} answers what the widget shows before a chat starts (the customer's view of the topic and IsOpen) without credentials; 404/400 for a bad id; without devStartChat it does not exist")
    void widgetTopic(VertxTestContext ctx) {
        Future.all(java.util.List.of(
                        dev.get("/dev/ChatTopic/1", NO_CREDENTIALS, null),
                        dev.get("/dev/ChatTopic/424242", NO_CREDENTIALS, null),
                        dev.get("/dev/ChatTopic/x", NO_CREDENTIALS, null),
                        plain.get("/dev/ChatTopic/1", NO_CREDENTIALS, null)))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    TestApp.Response topic = all.resultAt(0);
                    assertEquals(200, topic.status());
                    JsonObject body = topic.json();
                    assertEquals(java.util.List.of("Topic", "IsOpen"), java.util.List.copyOf(body.fieldNames()));
                    assertEquals(true, body.getBoolean("IsOpen"), "tje0 responds in Sales and is present");
                    assertEquals("Welcome! An agent will be with you shortly.", body.getJsonObject("Topic").getString("WelcomeMessage"));
                    assertEquals(false, body.getJsonObject("Topic").getBoolean("WidgetEnableRating"));
                    assertTrue(body.getJsonObject("Topic").containsKey("AlertRecipient"));
                    assertNull(body.getJsonObject("Topic").getValue("AlertRecipient"), "an agent-only property");
                    assertNull(body.getJsonObject("Topic").getValue("_Links"));
                    assertEquals(404, all.<TestApp.Response>resultAt(1).status());
                    assertEquals(400, all.<TestApp.Response>resultAt(2).status());
                    assertEquals(404, all.<TestApp.Response>resultAt(3).status());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("POST /dev/StartChat refuses a bad body with a 400 naming the problem; without devStartChat it does not exist")
    void refusals(VertxTestContext ctx) {
        Future.all(java.util.List.of(
                        dev.post("/dev/StartChat", "{\"TopicId\":424242}", NO_CREDENTIALS, null),
                        dev.post("/dev/StartChat", "{\"CustomerName\":\"Kari\"}", NO_CREDENTIALS, null),
                        dev.post("/dev/StartChat", "{\"TopicId\":\"1\"}", NO_CREDENTIALS, null),
                        dev.request(HttpMethod.POST, "/dev/StartChat", null, NO_CREDENTIALS, null),
                        plain.post("/dev/StartChat", "{\"TopicId\":1}", NO_CREDENTIALS, null)))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertRefused(all.resultAt(0), 400, "TopicId 424242 does not exist");
                    assertRefused(all.resultAt(1), 400, "TopicId");
                    assertRefused(all.resultAt(2), 400, "TopicId");
                    assertEquals(400, all.<TestApp.Response>resultAt(3).status());
                    assertEquals(404, all.<TestApp.Response>resultAt(4).status());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a 401 to a page's script (X-Requested-With: XMLHttpRequest) has no Basic challenge, so the browser shows no login dialog; other clients get Basic")
    void challengeForScripts(VertxTestContext ctx) {
        String wrong = "Basic " + java.util.Base64.getEncoder().encodeToString("tje0:wrong".getBytes());
        Future.all(
                        plain.post("/api/v1/Authenticate", "", "Authorization", wrong, "X-Requested-With", "XMLHttpRequest"),
                        plain.post("/api/v1/Authenticate", "", "Authorization", wrong),
                        plain.get("/api/v1/ChatSession/1", NO_CREDENTIALS, null, "X-Requested-With", "xmlhttprequest"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    TestApp.Response script = all.resultAt(0);
                    assertEquals(401, script.status());
                    assertEquals("SOTicket realm=\"chat-api\", Bearer realm=\"chat-api\"", script.header("WWW-Authenticate"));
                    TestApp.Response other = all.resultAt(1);
                    assertEquals(401, other.status());
                    assertTrue(other.header("WWW-Authenticate").startsWith("Basic realm=\"chat-api\", "));
                    assertEquals(401, all.<TestApp.Response>resultAt(2).status());
                    assertFalse(all.<TestApp.Response>resultAt(2).header("WWW-Authenticate").contains("Basic"));
                    assertNull(script.json().getValue("Ticket"));
                    ctx.completeNow();
                })));
    }

    private static void assertRefused(TestApp.Response response, int status, String messagePart) {
        assertEquals(status, response.status(), response.body().toString());
        String message = response.json().getString("ErrorMessage");
        assertTrue(message.contains(messagePart), message);
    }
}
