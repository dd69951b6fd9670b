package chatapi.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests per {@code SO-AppToken}. An app is known by a fingerprint of its token (the first 12 hex
 * digits of its SHA-256), never by the token, which is neither echoed nor kept; at most
 * {@link #MAX_APPS} apps are told apart, the rest count as "other".
 */
public final class AppTokens {

    static final int MAX_APPS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(AppTokens.class);

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();

    void count(String token) {
        if (token == null || token.isBlank()) {
            return;
        }
        String app = fingerprint(token.trim());
        LOG.debug("Request from app {}", app);
        LongAdder counter = requests.get(app);
        if (counter == null) {
            counter = requests.size() < MAX_APPS
                    ? requests.computeIfAbsent(app, k -> new LongAdder())
                    : requests.computeIfAbsent("other", k -> new LongAdder());
        }
        counter.increment();
    }

    /** Requests so far per app fingerprint. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        requests.forEach((app, n) -> counts.put(app, n.sum()));
        return counts;
    }

    public static String fingerprint(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
