package chatapi.auth;

import static chatapi.auth.AuthenticationTest.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp.Response;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import chatapi.support.TestJwt;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("JWT keys, issuer and audience; lockout time; secure cookies")
class KeysAndLockoutTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @TempDir
    static Path keys;

    @Test
    @DisplayName("RS256 with a public key: its tokens pass; HS256 signed with the public key (algorithm confusion), alg none, wrong issuer or audience do not")
    void rs256(Vertx vertx, VertxTestContext ctx) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        String publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
        Consumer<JsonObject> rsa = keyConfig("RS256", publicPem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Tokens otherIssuer = Tokens.create(vertx, chatapi.config.AppConfig.fromJson(configJson(rsa)
                .put("jwtIssuer", "evil")).auth());
        withApp(vertx, rsa, app -> {
            JsonObject claims = TestJwt.agent(600).put("iss", "chat-tests").put("aud", "chat-api");
            return Future.all(List.of(
                            get(app, "Bearer " + app.tokens().sign("agent", null, "tje0", 600)),
                            get(app, "Bearer " + TestJwt.hs256(publicPem, claims)),
                            get(app, "Bearer " + TestJwt.hs256(pair.getPublic().getEncoded(), claims)),
                            get(app, "Bearer " + TestJwt.unsigned(claims)),
                            get(app, "Bearer " + otherIssuer.sign("agent", null, "tje0", 600)),
                            get(app, "Bearer " + TestJwt.hs256(TestDatabase.JWT_SECRET, claims))))
                    .map(all -> {
                        ctx.verify(() -> {
                            assertEquals(200, all.<Response>resultAt(0).status(), "RS256 token of the configured key");
                            for (int i = 1; i < all.size(); i++) {
                                assertEquals(401, all.<Response>resultAt(i).status(), "case " + i);
                            }
                        });
                        return all;
                    });
        }).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("ES256 with a public key: its tokens pass, and issuer and audience are checked")
    void es256(Vertx vertx, VertxTestContext ctx) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Consumer<JsonObject> ec = keyConfig("ES256", pem("PUBLIC KEY", pair.getPublic().getEncoded()),
                pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        withApp(vertx, ec, app -> {
            // A token of the right key for another audience: issued by a second signer with other settings.
            Tokens otherAudience = Tokens.create(vertx, chatapi.config.AppConfig.fromJson(configJson(ec)
                    .put("jwtAudience", "someone-else")).auth());
            return Future.all(get(app, "Bearer " + app.tokens().sign("customer", 2, "visitor", 600)),
                            get(app, "Bearer " + otherAudience.sign("agent", null, "tje0", 600)))
                    .map(all -> {
                        ctx.verify(() -> {
                            assertEquals(403, all.<Response>resultAt(0).status(), "a valid token of another session's customer: 403 on session 1");
                            assertEquals(401, all.<Response>resultAt(1).status(), "wrong audience");
                        });
                        return all;
                    });
        }).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("with its allowance used up even the right password is refused 429 from that address, until the allowance is back; other credentials are unaffected")
    void lockoutEnds(Vertx vertx, VertxTestContext ctx) {
        // One attempt per 2 s: the failure empties the allowance, which is back 2 s later.
        withApp(vertx, json -> json.put("authMaxFailuresPerUserAndAddress", 1).put("authLockoutSeconds", 2), app -> {
            String right = basic("tje0", "Tje0");
            String wrong = basic("tje0", "guess");
            return post(app, wrong)
                    .compose(v -> post(app, right))
                    .compose(locked -> app.get("/api/v1/ChatSession/1", "Authorization", app.agentAuthorization())
                            .compose(other -> after(vertx, 2_100).compose(v -> post(app, right))
                                    .map(later -> {
                                        ctx.verify(() -> {
                                            assertEquals(429, locked.status(), "throttled even with the right password");
                                            assertEquals("2", locked.header("Retry-After"));
                                            assertEquals(200, other.status(), "other credentials still work");
                                            assertEquals(200, later.status(), "the lock ends after its time");
                                        });
                                        return later;
                                    })));
        }).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("with cookieSecure the ticket and XSRF cookies are Secure; the ticket lifetime is configurable")
    void secureCookies(Vertx vertx, VertxTestContext ctx) {
        withApp(vertx, json -> json.put("cookieSecure", true).put("ticketTtlSeconds", 120), app ->
                post(app, basic("tje0", "Tje0")).map(resp -> {
                    ctx.verify(() -> {
                        assertEquals(200, resp.status());
                        for (String name : List.of("SOTicket", "XSRF-TOKEN")) {
                            String cookie = AuthenticationTest.cookie(resp, name).toLowerCase(java.util.Locale.ROOT);
                            assertTrue(cookie.contains("; secure"), cookie);
                            assertTrue(cookie.contains("max-age=120"), cookie);
                        }
                    });
                    return resp;
                }))
                .onComplete(ctx.succeedingThenComplete());
    }

    // ---------------------------------------------------------------------------------------------

    private static Future<Void> withApp(Vertx vertx, Consumer<JsonObject> changes,
            java.util.function.Function<TestApp, Future<?>> body) {
        return TestApp.start(vertx, DB.config(changes))
                .compose(app -> body.apply(app).transform(result -> app.stop()
                        .compose(v -> result.succeeded() ? Future.succeededFuture() : Future.failedFuture(result.cause()))));
    }

    private static Future<Response> get(TestApp app, String authorization) {
        return app.get("/api/v1/ChatSession/1", "Authorization", authorization);
    }

    private static Future<Response> post(TestApp app, String authorization) {
        return app.request(HttpMethod.POST, "/api/v1/Authenticate", null, "Authorization", authorization);
    }

    private static Future<Void> after(Vertx vertx, long ms) {
        // The lockout is a span of time: waiting it out is the behaviour under test.
        Promise<Void> done = Promise.promise();
        vertx.setTimer(ms, id -> done.complete());
        return done.future();
    }

    private static Consumer<JsonObject> keyConfig(String algorithm, String publicPem, String privatePem)
            throws IOException {
        Path publicFile = Files.writeString(keys.resolve(algorithm + "-public.pem"), publicPem);
        Path privateFile = Files.writeString(keys.resolve(algorithm + "-private.pem"), privatePem);
        return json -> json.putNull("jwtSecret")
                .put("jwtAlgorithm", algorithm)
                .put("jwtPublicKeyFile", publicFile.toString())
                .put("jwtPrivateKeyFile", privateFile.toString())
                .put("jwtIssuer", "chat-tests")
                .put("jwtAudience", "chat-api");
    }

    private static JsonObject configJson(Consumer<JsonObject> changes) {
        JsonObject json = new JsonObject();
        DB.config(j -> {
            changes.accept(j);
            json.mergeIn(j);
        });
        return json;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
