package chatapi.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * All of chat-api's configuration, parsed once: {@code conf/config.json} (or the file named by
 * {@code --conf} / {@code CHAT_CONFIG}), then environment variables over it. Nothing else reads
 * configuration keys or environment variables.
 */
public record AppConfig(
        String httpHost,
        int httpPort,
        String publicBaseUrl,
        int instances,
        int httpReadTimeoutSeconds,
        int httpIdleTimeoutSeconds,
        boolean httpCompression,
        String pgHost,
        int pgPort,
        String pgDatabase,
        String pgUser,
        String pgPassword,
        int pgPoolSize,
        int pgConnectTimeoutMs,
        boolean demoData,
        boolean devStartChat,
        boolean devStartChatAnywhere,
        List<String> trustedProxies,
        List<String> allowedOrigins,
        int longPollTimeoutSeconds,
        int maxParked,
        Limits limits,
        Live live,
        AuthConfig auth) {

    public static final String DEFAULT_FILE = "conf/config.json";

    /** Environment variable -> JSON key it overrides. */
    private static final Map<String, String> ENV_KEYS = Map.ofEntries(
            Map.entry("HTTP_HOST", "httpHost"),
            Map.entry("HTTP_PORT", "httpPort"),
            Map.entry("CHAT_PUBLIC_BASE_URL", "publicBaseUrl"),
            Map.entry("CHAT_INSTANCES", "instances"),
            Map.entry("CHAT_HTTP_READ_TIMEOUT", "httpReadTimeoutSeconds"),
            Map.entry("CHAT_HTTP_IDLE_TIMEOUT", "httpIdleTimeoutSeconds"),
            Map.entry("CHAT_HTTP_COMPRESSION", "httpCompression"),
            Map.entry("PGHOST", "pgHost"),
            Map.entry("PGPORT", "pgPort"),
            Map.entry("PGDATABASE", "pgDatabase"),
            Map.entry("PGUSER", "pgUser"),
            Map.entry("PGPASSWORD", "pgPassword"),
            Map.entry("CHAT_PG_POOL_SIZE", "pgPoolSize"),
            Map.entry("CHAT_PG_CONNECT_TIMEOUT_MS", "pgConnectTimeoutMs"),
            Map.entry("CHAT_DEMO_DATA", "demoData"),
            Map.entry("CHAT_DEV_START_CHAT", "devStartChat"),
            Map.entry("CHAT_DEV_START_CHAT_ANYWHERE", "devStartChatAnywhere"),
            Map.entry("CHAT_TRUSTED_PROXIES", "trustedProxies"),
            Map.entry("CHAT_ALLOWED_ORIGINS", "allowedOrigins"),
            Map.entry("CHAT_LONGPOLL_TIMEOUT", "longPollTimeoutSeconds"),
            Map.entry("CHAT_MAX_PARKED", "maxParked"),
            Map.entry("CHAT_MAX_MESSAGES_PER_ANSWER", "maxMessagesPerAnswer"),
            Map.entry("CHAT_MAX_PARKED_PER_CUSTOMER", "maxParkedPerCustomer"),
            Map.entry("CHAT_MAX_PARKED_PER_AGENT", "maxParkedPerAgent"),
            Map.entry("CHAT_CUSTOMER_POSTS_PER_SECOND", "customerPostsPerSecond"),
            Map.entry("CHAT_CUSTOMER_POST_BURST", "customerPostBurst"),
            Map.entry("CHAT_AGENT_POSTS_PER_SECOND", "agentPostsPerSecond"),
            Map.entry("CHAT_AGENT_POST_BURST", "agentPostBurst"),
            Map.entry("CHAT_SSE_HEARTBEAT", "sseHeartbeatSeconds"),
            Map.entry("CHAT_TYPING_TIMEOUT", "typingTimeoutSeconds"),
            Map.entry("CHAT_TYPING_UPDATES_PER_SECOND", "typingUpdatesPerSecond"),
            Map.entry("CHAT_TYPING_UPDATE_BURST", "typingUpdateBurst"),
            Map.entry("CHAT_JWT_SECRET", "jwtSecret"),
            Map.entry("CHAT_JWT_ALGORITHM", "jwtAlgorithm"),
            Map.entry("CHAT_JWT_PUBLIC_KEY_FILE", "jwtPublicKeyFile"),
            Map.entry("CHAT_JWT_PRIVATE_KEY_FILE", "jwtPrivateKeyFile"),
            Map.entry("CHAT_JWT_ISSUER", "jwtIssuer"),
            Map.entry("CHAT_JWT_AUDIENCE", "jwtAudience"),
            Map.entry("CHAT_TICKET_TTL", "ticketTtlSeconds"),
            Map.entry("CHAT_COOKIE_SECURE", "cookieSecure"),
            Map.entry("CHAT_AUTH_MAX_FAILURES_PER_USER_AND_ADDRESS", "authMaxFailuresPerUserAndAddress"),
            Map.entry("CHAT_AUTH_MAX_FAILURES_PER_ADDRESS", "authMaxFailuresPerAddress"),
            Map.entry("CHAT_AUTH_LOCKOUT_SECONDS", "authLockoutSeconds"),
            Map.entry("CHAT_BASIC_CACHE_SECONDS", "basicCacheSeconds"),
            Map.entry("CHAT_AUTH_HASH_THREADS", "authHashThreads"),
            Map.entry("CHAT_AUTH_HASH_QUEUE", "authHashQueue"));

    public AppConfig {
        requireRange("httpPort", httpPort, 0, 65535);
        requireRange("pgPort", pgPort, 1, 65535);
        requireRange("instances", instances, 1, 256);
        requireRange("httpReadTimeoutSeconds", httpReadTimeoutSeconds, 1, 3600);
        requireRange("httpIdleTimeoutSeconds", httpIdleTimeoutSeconds, 1, 3600);
        requireRange("pgPoolSize", pgPoolSize, 1, 1000);
        requireRange("pgConnectTimeoutMs", pgConnectTimeoutMs, 100, 60_000);
        requireRange("longPollTimeoutSeconds", longPollTimeoutSeconds, 1, 120);
        requireRange("maxParked", maxParked, 1, 1_000_000);
        if (publicBaseUrl != null) {
            publicBaseUrl = normaliseBaseUrl(publicBaseUrl);
        }
        if (devStartChat && !auth.canSign()) {
            throw new IllegalArgumentException("devStartChat mints customer tokens and needs a signing key: set "
                    + "jwtSecret / CHAT_JWT_SECRET (or jwtPrivateKeyFile with jwtPublicKeyFile)");
        }
        if (devStartChat && !devStartChatAnywhere && !loopback(httpHost)) {
            throw new IllegalArgumentException("devStartChat lets anyone who reaches the server start chats without "
                    + "credentials: listen on a loopback address (HTTP_HOST=127.0.0.1) or set "
                    + "CHAT_DEV_START_CHAT_ANYWHERE=true, not httpHost " + httpHost);
        }
        trustedProxies = List.copyOf(trustedProxies);
        trustedProxies.forEach(Addresses::range); // fails on an entry that is not an address or range
        allowedOrigins = allowedOrigins.stream().map(AppConfig::origin).toList();
    }

    /**
     * Reads the configuration file, if there is one, and applies the environment over it.
     *
     * @param file the file named on the command line, or null for CHAT_CONFIG or the default
     */
    public static AppConfig load(String file, Map<String, String> env) {
        String named = file != null ? file : env.get("CHAT_CONFIG");
        if (named != null && named.isBlank()) {
            named = null;
        }
        Path path = Path.of(named != null ? named : DEFAULT_FILE);
        JsonObject json = new JsonObject();
        if (Files.exists(path)) {
            json = read(path);
        } else if (named != null) {
            throw new IllegalArgumentException("configuration file not found: " + path);
        }
        return fromJson(withEnvironment(json, env));
    }

    /** The JSON with every environment variable of {@link #ENV_KEYS} that is set put over it. */
    public static JsonObject withEnvironment(JsonObject json, Map<String, String> env) {
        JsonObject merged = json.copy();
        ENV_KEYS.forEach((variable, key) -> {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                merged.put(key, value.trim());
            }
        });
        return merged;
    }

    public static AppConfig fromJson(JsonObject json) {
        return new AppConfig(
                text(json, "httpHost", "0.0.0.0"),
                integer(json, "httpPort", 8080),
                text(json, "publicBaseUrl", null),
                integer(json, "instances", 1),
                integer(json, "httpReadTimeoutSeconds", 10),
                integer(json, "httpIdleTimeoutSeconds", 60),
                bool(json, "httpCompression", true),
                text(json, "pgHost", "127.0.0.1"),
                integer(json, "pgPort", 5432),
                text(json, "pgDatabase", "postgres"),
                text(json, "pgUser", "postgres"),
                text(json, "pgPassword", null),
                integer(json, "pgPoolSize", 8),
                integer(json, "pgConnectTimeoutMs", 1000),
                bool(json, "demoData", false),
                bool(json, "devStartChat", false),
                bool(json, "devStartChatAnywhere", false),
                list(json, "trustedProxies"),
                list(json, "allowedOrigins"),
                integer(json, "longPollTimeoutSeconds", 25),
                integer(json, "maxParked", defaultMaxParked(Runtime.getRuntime().maxMemory())),
                Limits.fromJson(json),
                Live.fromJson(json),
                AuthConfig.fromJson(json));
    }

    /** Heap a parked request may need, with the collector's headroom: 7.8 KB live (BENCHMARKS.md, P2) × 1.5. */
    public static final long HEAP_PER_PARKED_BYTES = 12 * 1024;
    /** Heap the server needs besides its parked requests (about 40 MB live after start), with headroom. */
    public static final long HEAP_BASE_BYTES = 96L * 1024 * 1024;

    /**
     * The default of {@code maxParked}: as many parked requests as the heap holds ({@link #HEAP_BASE_BYTES} +
     * {@link #HEAP_PER_PARKED_BYTES} each), at least 1,000 and at most 50,000, so that a flood of parked requests
     * is refused with 503 before it can exhaust the heap (35,498 with the shipped -Xmx512m).
     */
    public static int defaultMaxParked(long maxHeapBytes) {
        return (int) Math.max(1_000, Math.min(50_000, parkedHeapHolds(maxHeapBytes)));
    }

    /** How many parked requests a heap of that size holds, by the estimate above. */
    public static long parkedHeapHolds(long maxHeapBytes) {
        return Math.max(0, (maxHeapBytes - HEAP_BASE_BYTES) / HEAP_PER_PARKED_BYTES);
    }

    public AppConfig withInstances(int count) {
        return new AppConfig(httpHost, httpPort, publicBaseUrl, count, httpReadTimeoutSeconds, httpIdleTimeoutSeconds,
                httpCompression, pgHost, pgPort, pgDatabase, pgUser, pgPassword, pgPoolSize, pgConnectTimeoutMs, demoData, devStartChat,
                devStartChatAnywhere, trustedProxies, allowedOrigins, longPollTimeoutSeconds, maxParked, limits, live, auth);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "AppConfig[http=" + httpHost + ":" + httpPort + ", publicBaseUrl=" + publicBaseUrl
                + ", instances=" + instances + ", httpReadTimeoutSeconds=" + httpReadTimeoutSeconds
                + ", httpIdleTimeoutSeconds=" + httpIdleTimeoutSeconds + ", httpCompression=" + httpCompression + ", pg=" + pgUser + "@" + pgHost + ":" + pgPort + "/" + pgDatabase
                + ", pgPassword=" + (pgPassword == null ? "unset" : "***") + ", pgPoolSize=" + pgPoolSize
                + ", pgConnectTimeoutMs=" + pgConnectTimeoutMs
                + ", demoData=" + demoData + ", devStartChat=" + devStartChat
                + (devStartChatAnywhere ? " (anywhere)" : "") + ", trustedProxies=" + trustedProxies
                + ", allowedOrigins=" + allowedOrigins + ", longPollTimeoutSeconds=" + longPollTimeoutSeconds
                + ", maxParked=" + maxParked + ", limits=" + limits + ", live=" + live + ", auth=" + auth + "]";
    }

    private static JsonObject read(Path path) {
        try {
            return new JsonObject(Files.readString(path));
        } catch (IOException | DecodeException e) {
            throw new IllegalArgumentException("cannot read configuration file " + path + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonObject json, String key, String fallback) {
        Object value = json.getValue(key);
        return value == null ? fallback : value.toString();
    }

    static int integer(JsonObject json, String key, int fallback) {
        Object value = json.getValue(key);
        if (value == null) {
            return fallback;
        }
        try {
            return value instanceof Number n && n.doubleValue() == n.intValue()
                    ? n.intValue()
                    : Integer.parseInt(value.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, not '" + value + "'");
        }
    }

    static boolean bool(JsonObject json, String key, boolean fallback) {
        Object value = json.getValue(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().toLowerCase(java.util.Locale.ROOT);
        return switch (text) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, not '" + value + "'");
        };
    }

    static void requireRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", not " + value);
        }
    }

    /** A list given as a JSON array or as comma-separated text (the environment's form); empty when absent. */
    static List<String> list(JsonObject json, String key) {
        Object value = json.getValue(key);
        if (value == null) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        if (value instanceof JsonArray array) {
            array.forEach(item -> items.add(String.valueOf(item)));
        } else {
            items.addAll(Arrays.asList(value.toString().split(",")));
        }
        return items.stream().map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    /** Whether the server listens on a loopback interface only. */
    private static boolean loopback(String host) {
        String h = host.trim().toLowerCase(java.util.Locale.ROOT);
        if (h.equals("localhost")) {
            return true;
        }
        java.net.InetAddress ip = io.netty.util.NetUtil.createInetAddressFromIpAddressString(h);
        return ip != null && ip.isLoopbackAddress();
    }

    /** An origin as browsers send it: {@code scheme://host[:port]}, lower case, no path. */
    private static String origin(String text) {
        String origin = Addresses.origin(text.trim());
        if (origin == null || !text.trim().toLowerCase(java.util.Locale.ROOT).replaceAll("/$", "").equals(origin)) {
            throw new IllegalArgumentException("allowedOrigins: '" + text + "' is not an origin like https://app.example.com");
        }
        return origin;
    }

    private static String normaliseBaseUrl(String url) {
        URI uri = URI.create(url);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("publicBaseUrl must be an absolute URL, not '" + url + "'");
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
