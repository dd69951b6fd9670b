package chatapi.auth;

import io.vertx.ext.auth.hashing.HashString;
import io.vertx.ext.auth.hashing.HashingAlgorithm;
import io.vertx.ext.auth.hashing.HashingStrategy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Agents' passwords: salted PBKDF2-HMAC-SHA512 in vertx-auth-common's PHC string format
 * ({@code $pbkdf2$it=210000$salt$hash}). Verification is deliberately slow, so it runs on a worker
 * thread ({@link PasswordChecks}); an unknown user is checked against a dummy hash so that both take the
 * same time.
 */
public final class Passwords {

    static final int ITERATIONS = 210_000;
    private static final HashingStrategy STRATEGY = HashingStrategy.load();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** PBKDF2 of a random password nobody knows, with the same cost as real hashes. */
    private static final String DUMMY =
            "$pbkdf2$it=210000$3B8tq7R0Qm6m2YkS1xW9Yw$N3Jf6k0t0nS2gJx7mQ1dY3cF4hV8bZ2eR5tU9wA1sD6fG7hJ8kL9zX0cV1bN2mQ3wE4rT5yU6iO7pA8sD9fG0hQ";

    private Passwords() {
    }

    /** A new PHC string for the password (for provisioning agents). */
    public static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return STRATEGY.hash("pbkdf2", Map.of("it", Integer.toString(ITERATIONS)),
                Base64.getEncoder().withoutPadding().encodeToString(salt), password);
    }

    /**
     * True when {@code storedHash} is present and matches; takes as long when it is absent. Slow on purpose:
     * call it on a worker thread ({@link PasswordChecks}).
     */
    static boolean matches(String storedHash, String password) {
        return check(storedHash != null ? storedHash : DUMMY, password) && storedHash != null;
    }

    private static boolean check(String phc, String password) {
        try {
            HashString expected = new HashString(phc);
            HashingAlgorithm algorithm = STRATEGY.get(expected.id());
            if (algorithm == null) {
                return false;
            }
            String actual = algorithm.hash(expected, password);
            return MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII),
                    expected.hash().getBytes(StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
