package chatapi.auth;

import static chatapi.auth.AuthenticationTest.cookie;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chatapi.support.TestApp.Response;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Forged requests from other sites riding on a browser's Basic credentials or ticket cookie. */
@ExtendWith(VertxExtension.class)
@DisplayName("Cross-site requests: state changes by Basic or cookie that a browser marks as another site's are 403; bodies are JSON")
class CrossSiteTest {

    private static final String BASIC = "Basic dGplMDpUamUw";
    private static final String CONSOLE = "https://console.example.com";

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB, json -> json.put("allowedOrigins", CONSOLE));

    @Test
    @DisplayName("Basic with Sec-Fetch-Site cross-site or same-site, or a foreign or null Origin: 403 and nothing changes (Pickup, Reset, DELETE, Agents' Delete, Authenticate)")
    void basicFromAnotherSite(VertxTestContext ctx) {
        int a = DB.newSession();
        int b = DB.newSession();
        int c = DB.newSession();
        Future.all(List.of(
                        post("/api/v1/ChatSession/" + a + "/Pickup", null, null, "Authorization", BASIC,
                                "Sec-Fetch-Site", "cross-site"),
                        post("/api/v1/ChatSession/" + a + "/Pickup", null, null, "Authorization", BASIC,
                                "Sec-Fetch-Site", "same-site"),
                        post("/api/v1/ChatSession/" + b + "/Pickup", null, null, "Authorization", BASIC,
                                "Origin", "https://evil.example"),
                        post("/api/v1/ChatSession/" + b + "/Reset", null, null, "Authorization", BASIC, "Origin", "null"),
                        post("/api/v1/ChatSession/" + b + "/Pickup", null, null, "Authorization", BASIC,
                                "Origin", "https://127.0.0.1:" + app.port()), // the same host, another scheme
                        app.request(HttpMethod.DELETE, "/api/v1/ChatSession/" + c, null, "Authorization", BASIC,
                                "Origin", "http://attacker.test:8080"),
                        post("/api/v1/Agents/Chat/DeleteChatSessionEntity?chatSessionEntityId=" + c, null, null,
                                "Authorization", BASIC, "Sec-Fetch-Site", "cross-site"),
                        post("/api/v1/Authenticate", null, null, "Authorization", BASIC, "Sec-Fetch-Site", "cross-site")))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    for (int i = 0; i < all.size(); i++) {
                        Response r = all.resultAt(i);
                        assertEquals(403, r.status(), i + ": " + r.body());
                        assertEquals("Forbidden", r.json().getString("ErrorType"));
                    }
                    assertEquals(null, all.<Response>resultAt(7).header("Set-Cookie"), "no ticket for a forged login");
                    assertEquals("InQueue,InQueue,InQueue", DB.value("SELECT string_agg(status, ',' ORDER BY chat_session_id)"
                            + " FROM chat_session WHERE chat_session_id IN (" + a + ", " + b + ", " + c + ")"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("the ticket cookie from another site: 403, no message stored")
    void cookieFromAnotherSite(VertxTestContext ctx) {
        int session = DB.newSession();
        post("/api/v1/Authenticate", null, null, "Authorization", BASIC)
                .compose(login -> {
                    String ticket = cookie(login, "SOTicket").split(";", 2)[0];
                    String xsrf = cookie(login, "XSRF-TOKEN").split(";", 2)[0];
                    return post("/api/v1/ChatSession/" + session + "/Messages", "application/json",
                            "{\"Message\":\"forged\"}", "Cookie", ticket + "; " + xsrf,
                            "X-XSRF-TOKEN", xsrf.substring(xsrf.indexOf('=') + 1), "Origin", "https://evil.example");
                })
                .onComplete(ctx.succeeding(forged -> ctx.verify(() -> {
                    assertEquals(403, forged.status(), forged.body().toString());
                    assertEquals("0", DB.value("SELECT count(*) FROM chat_message WHERE chat_session_id = " + session));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a form's content types (text/plain, urlencoded, multipart) are 415 even on a body-less action, and a body without Content-Type is 415; nothing changes")
    void formContentTypes(VertxTestContext ctx) {
        int session = DB.newSession();
        Future.all(List.of(
                        post("/api/v1/ChatSession/" + session + "/Pickup", "text/plain", "{}", "Authorization", BASIC),
                        post("/api/v1/ChatSession/" + session + "/Pickup", "application/x-www-form-urlencoded", "",
                                "Authorization", BASIC),
                        post("/api/v1/ChatSession/" + session + "/Messages", "multipart/form-data; boundary=x", "--x--",
                                "Authorization", BASIC),
                        post("/api/v1/ChatSession/" + session + "/Messages", null, "{\"Message\":\"no type\"}",
                                "Authorization", BASIC)))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    for (int i = 0; i < all.size(); i++) {
                        Response r = all.resultAt(i);
                        assertEquals(415, r.status(), i + ": " + r.body());
                        assertEquals("UnsupportedMediaType", r.json().getString("ErrorType"));
                    }
                    assertEquals("InQueue|0", DB.value("SELECT status || '|' || (SELECT count(*) FROM chat_message"
                            + " WHERE chat_session_id = " + session + ") FROM chat_session WHERE chat_session_id = " + session));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("allowed: the server's own origin, an allowedOrigins entry, Bearer from anywhere, and clients that send no Origin (curl, SuperOffice's client)")
    void allowed(VertxTestContext ctx) {
        int own = DB.newSession();
        int console = DB.newSession();
        int bearer = DB.newSession();
        int plain = DB.newSession();
        Future.all(List.of(
                        post("/api/v1/ChatSession/" + own + "/Pickup", null, null, "Authorization", BASIC,
                                "Origin", "http://127.0.0.1:" + app.port(), "Sec-Fetch-Site", "same-origin"),
                        post("/api/v1/ChatSession/" + console + "/Pickup", null, null, "Authorization", BASIC,
                                "Origin", CONSOLE, "Sec-Fetch-Site", "same-site"),
                        post("/api/v1/ChatSession/" + bearer + "/Messages", "application/json", "{\"Message\":\"hi\"}",
                                "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"),
                        post("/api/v1/ChatSession/" + plain + "/Pickup", null, null, "Authorization", BASIC),
                        app.get("/api/v1/ChatSession/" + plain, "Authorization", BASIC, "Sec-Fetch-Site", "cross-site")))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    for (int i = 0; i < all.size(); i++) {
                        Response r = all.resultAt(i);
                        assertEquals(200, r.status(), i + ": " + r.body());
                    }
                    assertEquals("1", DB.value("SELECT count(*) FROM chat_message WHERE chat_session_id = " + bearer
                            + " AND message = 'hi'"));
                    ctx.completeNow();
                })));
    }

    /** A POST with exactly the given Content-Type (none when null) and body (none when null). */
    private static Future<Response> post(String path, String contentType, String body, String... headers) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Content-Type";
        all[headers.length + 1] = contentType;
        return app.request(HttpMethod.POST, path, body == null ? null : Buffer.buffer(body), all);
    }
}
