package chatapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("java -jar chat-api.jar token …")
class TokenCommandTest {

    private static final Map<String, String> ENV = Map.of("CHAT_JWT_SECRET", "a-test-secret-of-at-least-32-bytes!!",
            "CHAT_CONFIG", "conf/config.json");

    @Test
    @DisplayName("prints a customer token for the session with the requested lifetime")
    void customerToken() {
        Result r = run(ENV, "--role", "customer", "--session", "1", "--ttl", "3600");
        assertEquals(0, r.status, r.err);
        JsonObject claims = claims(r.out.trim());
        assertEquals("customer", claims.getString("role"));
        assertEquals(1, claims.getInteger("chatSessionId"));
        assertEquals(3600, claims.getLong("exp") - claims.getLong("iat"));
    }

    @Test
    @DisplayName("prints an agent token with its subject")
    void agentToken() {
        Result r = run(ENV, "--role", "agent", "--sub", "tje0");
        assertEquals(0, r.status, r.err);
        JsonObject claims = claims(r.out.trim());
        assertEquals("agent", claims.getString("role"));
        assertEquals("tje0", claims.getString("sub"));
        assertTrue(claims.containsKey("exp"));
    }

    @Test
    @DisplayName("refuses a customer without a session, an unknown role, and a missing key, with status 2")
    void refusals() {
        assertEquals(2, run(ENV, "--role", "customer").status);
        assertEquals(2, run(ENV, "--role", "admin").status);
        Result noKey = run(Map.of("CHAT_CONFIG", "conf/config.json"), "--role", "agent");
        assertEquals(2, noKey.status);
        assertTrue(noKey.err.contains("CHAT_JWT_SECRET"), noKey.err);
    }

    private record Result(int status, String out, String err) {
    }

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TokenCommand.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static JsonObject claims(String token) {
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length, token);
        return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }
}
