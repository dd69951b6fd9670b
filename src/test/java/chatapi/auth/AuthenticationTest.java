package chatapi.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import chatapi.support.TestApp.Response;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import chatapi.support.TestJwt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

@ExtendWith(VertxExtension.class)
@DisplayName("Authentication and authorization")
class AuthenticationTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    static final String MATRIX_USER = "matrix";
    static final String MATRIX_PASSWORD = "correct horse";
    static final String WRONG_PASSWORD = "wrongpass-secret";

    static String ticket;
    static String xsrf;
    static String expiredTicket;
    static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    @BeforeAll
    static void credentials(VertxTestContext ctx) throws SQLException {
        LOG.start();
        ((Logger) LoggerFactory.getLogger(Authenticator.class)).addAppender(LOG);
        addAgent(MATRIX_USER, MATRIX_PASSWORD);
        expiredTicket = storeTicket("7T:expired-" + java.util.UUID.randomUUID(), "-1 hour");
        app.request(HttpMethod.POST, "/api/v1/Authenticate", null, "Authorization", basic("tje0", "Tje0"))
                .onComplete(ctx.succeeding(resp -> {
                    ticket = resp.json().getString("Ticket");
                    xsrf = cookie(resp, "XSRF-TOKEN").split(";")[0].substring("XSRF-TOKEN=".length());
                    ctx.completeNow();
                }));
    }

    @AfterAll
    static void detachLog() {
        ((Logger) LoggerFactory.getLogger(Authenticator.class)).detachAppender(LOG);
    }

    /** The endpoints of the matrix: method, path, body. */
    enum Endpoint {
        GET_SESSION(HttpMethod.GET, "/api/v1/ChatSession/1", null),
        GET_MESSAGES(HttpMethod.GET, "/api/v1/ChatSession/1/Messages", null),
        POST_MESSAGE(HttpMethod.POST, "/api/v1/ChatSession/1/Messages", "{\"Message\":\"matrix\"}"),
        POST_SESSION(HttpMethod.POST, "/api/v1/ChatSession", "{\"TopicId\":1}"),
        AUTHENTICATE(HttpMethod.POST, "/api/v1/Authenticate", null);

        final HttpMethod method;
        final String path;
        final String body;

        Endpoint(HttpMethod method, String path, String body) {
            this.method = method;
            this.path = path;
            this.body = body;
        }
    }

    /**
     * Each kind of credential, and the status each endpoint gives it: GET session, GET messages,
     * POST message, POST session, Authenticate.
     */
    static Stream<Arguments> matrix() {
        return Stream.of(
                row("no credentials", List.of(), 401, 401, 401, 401, 401),
                row("Basic, wrong password", auth(basic(MATRIX_USER, WRONG_PASSWORD)), 401, 401, 401, 401, 401),
                row("Basic, unknown user", auth(basic("nobody", "whatever")), 401, 401, 401, 401, 401),
                row("Basic, malformed", auth("Basic !!!not-base64"), 401, 401, 401, 401, 401),
                row("unknown scheme", auth("Digest username=tje0"), 401, 401, 401, 401, 401),
                row("JWT, expired", auth("Bearer " + TestJwt.hs256(TestDatabase.JWT_SECRET, TestJwt.agent(-60))),
                        401, 401, 401, 401, 401),
                row("JWT, without exp", auth("Bearer " + TestJwt.hs256(TestDatabase.JWT_SECRET,
                        TestJwt.agent(60).copy().put("exp", (Object) null))), 401, 401, 401, 401, 401),
                row("JWT, no exp claim at all", auth("Bearer " + TestJwt.hs256(TestDatabase.JWT_SECRET,
                        withoutExp())), 401, 401, 401, 401, 401),
                row("JWT, signed with another key", auth("Bearer " + TestJwt.hs256(
                        "another-secret-another-secret-another-secret", TestJwt.agent(600))), 401, 401, 401, 401, 401),
                row("JWT, alg none", auth("Bearer " + TestJwt.unsigned(TestJwt.agent(600))), 401, 401, 401, 401, 401),
                row("JWT, unknown role", auth("Bearer " + TestJwt.hs256(TestDatabase.JWT_SECRET,
                        TestJwt.agent(600).put("role", "admin"))), 401, 401, 401, 401, 401),
                row("JWT, customer of another session", auth("Bearer " + TestJwt.hs256(TestDatabase.JWT_SECRET,
                        customer(2))), 403, 403, 403, 403, 401),
                // A customer reads its own session (its live state: SessionEventsTest), not another's.
                row("JWT, customer of this session", auth("Bearer " + TestJwt.hs256(TestDatabase.JWT_SECRET,
                        customer(1))), 200, 200, 200, 403, 401),
                row("JWT, agent", auth("Bearer " + TestJwt.hs256(TestDatabase.JWT_SECRET, TestJwt.agent(600))),
                        200, 200, 200, 200, 401),
                row("ticket, forged", auth("SOTicket 7T:" + Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(new byte[32])), 401, 401, 401, 401, 401),
                row("ticket, expired", List.of("Authorization", "SOTicket " + EXPIRED), 401, 401, 401, 401, 401),
                row("ticket", List.of("Authorization", "SOTicket " + TICKET), 200, 200, 200, 200, 401),
                row("ticket, scheme in lower case", List.of("Authorization", "soticket " + TICKET), 200, 200, 200, 200, 401),
                row("ticket cookie without X-XSRF-TOKEN", List.of("Cookie", COOKIES), 401, 401, 401, 401, 401),
                row("ticket cookie, X-XSRF-TOKEN mismatch", List.of("Cookie", COOKIES, "X-XSRF-TOKEN", "not-the-token"),
                        401, 401, 401, 401, 401),
                row("ticket cookie with X-XSRF-TOKEN", List.of("Cookie", COOKIES, "X-XSRF-TOKEN", XSRF),
                        200, 200, 200, 200, 401),
                row("Basic, the reference sample", auth("Basic dGplMDpUamUw"), 200, 200, 200, 200, 200));
    }

    // Placeholders for values known only once the server runs.
    private static final String TICKET = "{ticket}";
    private static final String EXPIRED = "{expired}";
    private static final String XSRF = "{xsrf}";
    private static final String COOKIES = "SOTicket={ticket}; XSRF-TOKEN={xsrf}";

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    @DisplayName("each endpoint answers each kind of credential as expected")
    void matrix(String credential, List<String> headers, List<Integer> expected, VertxTestContext ctx) {
        List<Future<Response>> answers = new ArrayList<>();
        for (Endpoint e : Endpoint.values()) {
            List<String> pairs = new ArrayList<>();
            headers.forEach(h -> pairs.add(h.replace(TICKET, ticket).replace(EXPIRED, expiredTicket).replace(XSRF, xsrf)));
            if (!pairs.contains("Authorization") && !pairs.contains("Cookie")) {
                pairs.add("Authorization");
                pairs.add(null);
            }
            if (e.body != null) {
                pairs.addAll(List.of("Content-Type", "application/json"));
            }
            answers.add(app.request(e.method, e.path, e.body == null ? null : Buffer.buffer(e.body),
                    pairs.toArray(String[]::new)));
        }
        Future.all(answers).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
            List<Integer> statuses = answers.stream().map(a -> a.result().status()).toList();
            assertEquals(expected, statuses, credential + " on " + List.of(Endpoint.values()));
            for (Future<Response> a : answers) {
                Response r = a.result();
                if (r.status() == 401) {
                    assertEquals(UNAUTHORIZED, r.json());
                    assertEquals("Basic realm=\"chat-api\", SOTicket realm=\"chat-api\", Bearer realm=\"chat-api\"",
                            r.header("WWW-Authenticate"));
                } else if (r.status() == 403) {
                    assertEquals(FORBIDDEN, r.json());
                }
            }
            ctx.completeNow();
        })));
    }

    private static final JsonObject UNAUTHORIZED = new JsonObject().put("Error", true).put("ErrorType", "Unauthorized")
            .put("ErrorMessage", "Valid credentials are required").put("ErrorSource", "chat-api");
    private static final JsonObject FORBIDDEN = new JsonObject().put("Error", true).put("ErrorType", "Forbidden")
            .put("ErrorMessage", "Access to this resource is not allowed").put("ErrorSource", "chat-api");

    @Test
    @DisplayName("a customer gets the same 403 whether the other session exists or not")
    void forbiddenRevealsNothing(VertxTestContext ctx) {
        String customer = app.customerAuthorization(1);
        Future.all(app.get("/api/v1/ChatSession/2/Messages", "Authorization", customer),
                        app.get("/api/v1/ChatSession/999999/Messages", "Authorization", customer))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    Response existing = all.resultAt(0);
                    Response absent = all.resultAt(1);
                    assertEquals(403, existing.status());
                    assertEquals(403, absent.status());
                    assertEquals(existing.body(), absent.body());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a customer posts only to the agent (Type ToUser, no SpecialType): posing as the agent or the system is 403 and nothing is stored")
    void customersPostAsCustomers(VertxTestContext ctx) throws Exception {
        int session = DB.newSession();
        String customer = app.customerAuthorization(session);
        String path = "/api/v1/ChatSession/" + session + "/Messages";
        Future.all(List.of(
                        app.post(path, "{\"Message\":\"hello\"}", "Authorization", customer),
                        app.post(path, "{\"Message\":\"to me\",\"Type\":\"ToUser\"}", "Authorization", customer),
                        app.post(path, "{\"Message\":\"I am the agent\",\"Type\":\"ToCustomer\"}", "Authorization", customer),
                        app.post(path, "{\"Message\":\"bye\",\"Type\":\"Special\",\"SpecialType\":\"SessionDeleted\"}",
                                "Authorization", customer),
                        app.post(path, "{\"Message\":\"x\",\"SpecialType\":\"Welcome\"}", "Authorization", customer),
                        app.post(path, "{\"Message\":\"from the agent\",\"Type\":\"ToCustomer\"}")))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    int[] expected = {200, 200, 403, 403, 403, 200};
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], all.<Response>resultAt(i).status(), i + ": " + all.<Response>resultAt(i).body());
                    }
                    assertTrue(all.<Response>resultAt(2).json().getString("ErrorMessage").contains("ToUser"));
                    assertEquals("ToUser|hello,ToUser|to me,ToCustomer|from the agent", DB.value("SELECT string_agg(type || '|'"
                            + " || message, ',' ORDER BY chat_message_id) FROM chat_message WHERE chat_session_id = " + session));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("Authenticate returns a 7T ticket with its expiry, an HttpOnly SameSite=Lax cookie and an XSRF-TOKEN cookie; only its hash is stored")
    void authenticateIssuesATicket(VertxTestContext ctx) {
        app.request(HttpMethod.POST, "/api/v1/Authenticate", null, "Authorization", basic("TJE0", "Tje0"))
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertEquals(200, resp.status());
                    String issued = resp.json().getString("Ticket");
                    assertTrue(issued.startsWith("7T:"), issued);
                    assertTrue(Base64.getUrlDecoder().decode(issued.substring(3)).length * 8 >= 128, issued);
                    Duration ttl = Duration.between(OffsetDateTime.now(),
                            OffsetDateTime.parse(resp.json().getString("Expires")));
                    assertTrue(Math.abs(ttl.toSeconds() - 8 * 3600) < 60, "default expiry 8 h: " + ttl);
                    String ticketCookie = cookie(resp, "SOTicket");
                    assertTrue(ticketCookie.startsWith("SOTicket=" + issued + ";"), ticketCookie);
                    assertTrue(ticketCookie.toLowerCase(java.util.Locale.ROOT).contains("; httponly"), ticketCookie);
                    assertTrue(ticketCookie.contains("SameSite=Lax"), ticketCookie);
                    assertFalse(ticketCookie.toLowerCase(java.util.Locale.ROOT).contains("; secure"),
                            "Secure is off by default: " + ticketCookie);
                    String xsrfCookie = cookie(resp, "XSRF-TOKEN");
                    assertFalse(xsrfCookie.toLowerCase(java.util.Locale.ROOT).contains("httponly"),
                            "scripts must read it: " + xsrfCookie);
                    assertEquals("1", sql("SELECT count(*) FROM auth_ticket WHERE token_hash = sha256(convert_to('"
                            + issued + "', 'UTF8'))"));
                    assertEquals("0", sql("SELECT count(*) FROM auth_ticket WHERE encode(token_hash, 'escape') LIKE '%"
                            + issued.substring(3, 20) + "%'"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("Authenticate refuses other schemes and bad passwords with the uniform 401")
    void authenticateNeedsBasic(VertxTestContext ctx) {
        Future.all(app.request(HttpMethod.POST, "/api/v1/Authenticate", null, "Authorization", app.agentAuthorization()),
                        app.request(HttpMethod.POST, "/api/v1/Authenticate", null,
                                "Authorization", basic(MATRIX_USER, WRONG_PASSWORD)))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    for (int i = 0; i < 2; i++) {
                        assertEquals(401, all.<Response>resultAt(i).status());
                        assertEquals(UNAUTHORIZED, all.<Response>resultAt(i).json());
                    }
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a ticket stops working when it expires")
    void expiredTicketIsRefused(VertxTestContext ctx) {
        app.request(HttpMethod.POST, "/api/v1/Authenticate", null, "Authorization", basic("tje0", "Tje0"))
                .compose(resp -> {
                    String issued = resp.json().getString("Ticket");
                    return app.get("/api/v1/ChatSession/2", "Authorization", "SOTicket " + issued)
                            .compose(before -> app.vertx().executeBlocking(() -> sql(
                                            "UPDATE auth_ticket SET expires_at = now() - interval '1 second'"
                                                    + " WHERE token_hash = sha256(convert_to('" + issued + "', 'UTF8'))"
                                                    + " RETURNING 1"))
                                    .compose(v -> app.get("/api/v1/ChatSession/2", "Authorization", "SOTicket " + issued))
                                    .map(after -> {
                                        ctx.verify(() -> {
                                            assertEquals(200, before.status());
                                            assertEquals(401, after.status());
                                        });
                                        return after;
                                    }));
                })
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("/health needs no credentials")
    void healthIsOpen(VertxTestContext ctx) {
        Future.all(app.get("/health/live", "Authorization", null), app.get("/health/ready", "Authorization", null))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertEquals(200, all.<Response>resultAt(0).status());
                    assertEquals(200, all.<Response>resultAt(1).status());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("credentials are checked before a request parks")
    void noParkingWithoutCredentials(VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/1/Messages?after=3&wait=30", "Authorization", null)
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertEquals(401, resp.status());
                    assertEquals(0, app.longPoll().parked());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a poll does not outlive its token: it ends with [] when the token expires")
    void pollEndsWithItsToken(VertxTestContext ctx) {
        String shortLived = "Bearer " + app.tokens().sign("customer", 1, "visitor", 2);
        long started = System.nanoTime();
        app.get("/api/v1/ChatSession/1/Messages?after=2147483647&wait=60", "Authorization", shortLived)
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
                    assertEquals(200, resp.status());
                    assertEquals("[]", resp.body().toString());
                    assertTrue(seconds <= 3, "answered after " + seconds + " s, not at the 60 s wait");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("failed attempts are logged without passwords, tickets or tokens")
    void failuresLoggedWithoutSecrets(VertxTestContext ctx) {
        String forgedTicket = "7T:forged-" + java.util.UUID.randomUUID();
        String badToken = TestJwt.hs256("another-secret-another-secret-another-secret", TestJwt.agent(600));
        Future.all(app.get("/api/v1/ChatSession/1", "Authorization", basic(MATRIX_USER, WRONG_PASSWORD)),
                        app.get("/api/v1/ChatSession/1", "Authorization", "SOTicket " + forgedTicket),
                        app.get("/api/v1/ChatSession/1", "Authorization", "Bearer " + badToken))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    List<String> lines = LOG.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
                    assertTrue(lines.stream().anyMatch(l -> l.contains("wrong password for 'matrix'")), lines.toString());
                    for (String line : lines) {
                        assertFalse(line.contains(WRONG_PASSWORD), line);
                        assertFalse(line.contains(forgedTicket.substring(3)), line);
                        assertFalse(line.contains(badToken.substring(badToken.lastIndexOf('.') + 1)), line);
                        assertFalse(line.contains(MATRIX_PASSWORD), line);
                    }
                    ctx.completeNow();
                })));
    }

    // ---------------------------------------------------------------------------------------------

    private static Arguments row(String name, List<String> headers, Integer... statuses) {
        return Arguments.of(name, headers, List.of(statuses));
    }

    private static List<String> auth(String authorization) {
        return List.of("Authorization", authorization);
    }

    @Test
    @DisplayName("concurrent first logins with one Basic credential on four event loops share one verification; all answer 200")
    void sharedBasicVerificationOnSeveralEventLoops(Vertx vertx, VertxTestContext ctx) throws SQLException {
        addAgent("loops", "four event loops");
        String authorization = basic("loops", "four event loops");
        TestApp.start(vertx, DB.config(json -> json.put("instances", 4))).compose(multi -> {
            List<io.vertx.core.http.HttpClient> clients = new ArrayList<>();
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                // One client (connection) each, so the requests spread over the event loops while the
                // first one's password verification is still running.
                io.vertx.core.http.HttpClient client = vertx.createHttpClient();
                clients.add(client);
                answers.add(client.request(HttpMethod.GET, multi.port(), "127.0.0.1", "/api/v1/ChatSession/1")
                        .compose(req -> req.putHeader("Authorization", authorization).send())
                        .compose(resp -> resp.body().map(body -> {
                            ctx.verify(() -> assertEquals(1, body.toJsonObject().getInteger("ChatSessionId"), body.toString()));
                            return resp.statusCode();
                        })));
            }
            return Future.all(answers)
                    .map(all -> {
                        ctx.verify(() -> assertEquals(java.util.Collections.nCopies(12, 200),
                                answers.stream().map(Future::result).toList()));
                        return all;
                    })
                    .eventually(() -> Future.all(clients.stream().map(io.vertx.core.http.HttpClient::close).toList()))
                    .eventually(multi::stop);
        }).onComplete(ctx.succeedingThenComplete());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonObject withoutExp() {
        JsonObject claims = TestJwt.agent(600);
        claims.remove("exp");
        return claims;
    }

    private static JsonObject customer(int session) {
        return TestJwt.agent(600).put("role", "customer").put("chatSessionId", session);
    }

    static String cookie(Response resp, String name) {
        return resp.headers().getAll("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " cookie: " + resp.headers()));
    }

    static void addAgent(String name, String password) throws SQLException {
        try (Connection c = DB.connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO associate (name, password_hash) VALUES (?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, Passwords.hash(password));
            ps.executeUpdate();
        }
    }

    private static String storeTicket(String token, String expiresIn) throws SQLException {
        sql("INSERT INTO auth_ticket (token_hash, associate_id, expires_at) VALUES (sha256(convert_to('" + token
                + "', 'UTF8')), 1, now() + interval '" + expiresIn + "') RETURNING 1");
        return token;
    }

    static String sql(String query) throws SQLException {
        try (Connection c = DB.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
