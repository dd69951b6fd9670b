package chatapi.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Authentication settings, part of {@link AppConfig} and read from the same flat keys. Key files are
 * read once, when the configuration is parsed; secrets never appear in {@link #toString()}.
 *
 * @param jwtSecret         HS256 secret (at least 32 bytes), or null
 * @param jwtAlgorithm      HS256 with a secret; RS256 or ES256 with key files
 * @param jwtPublicKeyPem   PEM public key verifying RS256/ES256 tokens, or null
 * @param jwtPrivateKeyPem  PEM private key for the {@code token} command with RS256/ES256, or null
 */
public record AuthConfig(
        String jwtSecret,
        String jwtAlgorithm,
        String jwtPublicKeyPem,
        String jwtPrivateKeyPem,
        String jwtIssuer,
        String jwtAudience,
        int ticketTtlSeconds,
        boolean cookieSecure,
        int maxFailuresPerUserAndAddress,
        int maxFailuresPerAddress,
        int lockoutSeconds,
        int basicCacheSeconds,
        int hashThreads,
        int hashQueue) {

    private static final Set<String> KEY_ALGORITHMS = Set.of("RS256", "ES256");

    public AuthConfig {
        if (jwtSecret != null && jwtSecret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("jwtSecret must be at least 32 bytes long");
        }
        if (jwtSecret != null && jwtPublicKeyPem != null) {
            throw new IllegalArgumentException("configure either jwtSecret or jwtPublicKeyFile, not both");
        }
        if (jwtPublicKeyPem != null && !KEY_ALGORITHMS.contains(jwtAlgorithm)) {
            throw new IllegalArgumentException("jwtAlgorithm must be RS256 or ES256 with a public key, not " + jwtAlgorithm);
        }
        if (jwtSecret != null && !"HS256".equals(jwtAlgorithm)) {
            throw new IllegalArgumentException("jwtAlgorithm must be HS256 with jwtSecret, not " + jwtAlgorithm);
        }
        requirePositive("ticketTtlSeconds", ticketTtlSeconds);
        requirePositive("authMaxFailuresPerUserAndAddress", maxFailuresPerUserAndAddress);
        requirePositive("authMaxFailuresPerAddress", maxFailuresPerAddress);
        requirePositive("authLockoutSeconds", lockoutSeconds);
        if (basicCacheSeconds < 0) {
            throw new IllegalArgumentException("basicCacheSeconds must not be negative");
        }
        AppConfig.requireRange("authHashThreads", hashThreads, 1, 256);
        AppConfig.requireRange("authHashQueue", hashQueue, 0, 100_000);
    }

    static AuthConfig fromJson(JsonObject json) {
        String secret = blankToNull(json.getValue("jwtSecret"));
        String publicKey = readPem(blankToNull(json.getValue("jwtPublicKeyFile")));
        String algorithm = blankToNull(json.getValue("jwtAlgorithm"));
        if (algorithm == null) {
            algorithm = publicKey != null ? "RS256" : "HS256";
        }
        return new AuthConfig(secret, algorithm.toUpperCase(Locale.ROOT), publicKey,
                readPem(blankToNull(json.getValue("jwtPrivateKeyFile"))),
                blankToNull(json.getValue("jwtIssuer")),
                blankToNull(json.getValue("jwtAudience")),
                AppConfig.integer(json, "ticketTtlSeconds", 8 * 3600),
                AppConfig.bool(json, "cookieSecure", false),
                AppConfig.integer(json, "authMaxFailuresPerUserAndAddress", 5),
                AppConfig.integer(json, "authMaxFailuresPerAddress", 50),
                AppConfig.integer(json, "authLockoutSeconds", 300),
                AppConfig.integer(json, "basicCacheSeconds", 60),
                AppConfig.integer(json, "authHashThreads", Runtime.getRuntime().availableProcessors()),
                AppConfig.integer(json, "authHashQueue", 32));
    }

    /** True when Bearer tokens can be verified. */
    public boolean jwtEnabled() {
        return jwtSecret != null || jwtPublicKeyPem != null;
    }

    /** Whether this configuration can mint tokens (a secret, or a private key), not only verify them. */
    public boolean canSign() {
        return jwtSecret != null || jwtPrivateKeyPem != null;
    }

    @Override
    public String toString() {
        return "AuthConfig[jwt=" + (jwtEnabled() ? jwtAlgorithm : "off") + ", jwtIssuer=" + jwtIssuer
                + ", jwtAudience=" + jwtAudience + ", ticketTtlSeconds=" + ticketTtlSeconds
                + ", cookieSecure=" + cookieSecure + ", maxFailuresPerUserAndAddress=" + maxFailuresPerUserAndAddress
                + ", maxFailuresPerAddress=" + maxFailuresPerAddress + ", lockoutSeconds=" + lockoutSeconds
                + ", basicCacheSeconds=" + basicCacheSeconds + ", hashThreads=" + hashThreads
                + ", hashQueue=" + hashQueue + "]";
    }

    private static String readPem(String file) {
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String blankToNull(Object value) {
        return value == null || value.toString().isBlank() ? null : value.toString().trim();
    }

    private static void requirePositive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be at least 1, not " + value);
        }
    }
}
