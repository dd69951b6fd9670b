package chatapi.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests per {@code SO-AppToken}, as the counter {@code chat_app_requests{app=…}}. An app is known
 * by a fingerprint of its token (the first 12 hex digits of its SHA-256), never by the token, which
 * is neither echoed nor kept; at most {@link #MAX_APPS} apps are told apart, the rest count as "other".
 */
public final class AppTokens {

    static final int MAX_APPS = 1_000;
    private static final String NONE = "-";
    private static final String KEY = "chatapi.app";
    private static final Logger LOG = LoggerFactory.getLogger(AppTokens.class);

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public AppTokens(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Counts an authenticated request for its app, if it names one, and passes it on: a route handler after
     * authentication, so that anonymous requests cannot take the {@value #MAX_APPS} app slots.
     */
    public void countAuthenticated(RoutingContext ctx) {
        count(ctx);
        ctx.next();
    }

    private void count(RoutingContext ctx) {
        String app = appOf(ctx);
        if (app.equals(NONE)) {
            return;
        }
        LOG.debug("Request from app {}", app);
        Counter counter = counters.get(app);
        if (counter == null) {
            String key = counters.size() < MAX_APPS ? app : "other";
            counter = counters.computeIfAbsent(key, k -> Counter.builder("chat_app_requests")
                    .description("Requests per SO-AppToken (fingerprint)").tag("app", k).register(registry));
        }
        counter.increment();
    }

    /** Requests so far per app fingerprint. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        counters.forEach((app, c) -> counts.put(app, (long) c.count()));
        return counts;
    }

    /** The fingerprint of the request's SO-AppToken, "-" without one; hashed once per request. */
    public static String appOf(RoutingContext ctx) {
        String app = ctx.get(KEY);
        if (app == null) {
            String token = ctx.request().getHeader("SO-AppToken");
            app = token == null || token.isBlank() ? NONE : fingerprint(token.trim());
            ctx.put(KEY, app);
        }
        return app;
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
