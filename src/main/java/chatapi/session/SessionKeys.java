package chatapi.session;

import java.security.SecureRandom;
import java.util.Base64;

/** ChatSession.SessionKey: 256 random bits, URL-safe Base64 (43 characters). */
final class SessionKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private SessionKeys() {
    }

    static String next() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
