package chatapi.auth;

import chatapi.config.AuthConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Instant;
import java.util.List;

/**
 * Bearer JWTs, verified and signed with vertx-auth-jwt. Only the configured algorithm's key is
 * registered, so a token naming another algorithm (including {@code none}, or HS256 signed with the
 * RSA public key) finds no key and is rejected. {@code exp} is required; issuer and audience are
 * checked when configured. Claim {@code role}: {@code agent}, or {@code customer} with
 * {@code chatSessionId}.
 */
public final class Tokens {

    /** Seconds past {@code exp} that a token is still accepted (clock skew between issuer and server). */
    static final int LEEWAY_SECONDS = 5;
    /** Verified tokens kept; beyond, the cache starts over. Only tokens of at most {@link #MAX_CACHED_LENGTH} chars. */
    static final int MAX_CACHED = 10_000;
    static final int MAX_CACHED_LENGTH = 1_024;

    private final JWTAuth jwt;
    private final AuthConfig config;
    private final java.util.function.LongSupplier clock;
    /**
     * Tokens already verified, with their principal: a widget's loop sends the same token with every poll, and its
     * signature and claims need checking once. Only valid tokens enter; a cached one is refused once its {@code exp}
     * (plus the leeway) has passed, the only check that changes with time.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Principal> verified =
            new java.util.concurrent.ConcurrentHashMap<>();

    private Tokens(JWTAuth jwt, AuthConfig config, java.util.function.LongSupplier clock) {
        this.jwt = jwt;
        this.config = config;
        this.clock = clock;
    }

    /** Null when no JWT key is configured: Bearer is then not accepted. */
    public static Tokens create(Vertx vertx, AuthConfig config) {
        return create(vertx, config, System::currentTimeMillis);
    }

    /** As {@link #create(Vertx, AuthConfig)}, with the clock that ages cached tokens (tests move it). */
    static Tokens create(Vertx vertx, AuthConfig config, java.util.function.LongSupplier clock) {
        if (!config.jwtEnabled()) {
            return null;
        }
        JWTAuthOptions options = new JWTAuthOptions();
        if (config.jwtSecret() != null) {
            options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.jwtSecret()));
        } else {
            options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(config.jwtAlgorithm())
                    .setBuffer(config.jwtPublicKeyPem()));
            if (config.jwtPrivateKeyPem() != null) {
                options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(config.jwtAlgorithm())
                        .setBuffer(config.jwtPrivateKeyPem()));
            }
        }
        JWTOptions checks = new JWTOptions().setLeeway(LEEWAY_SECONDS);
        if (config.jwtIssuer() != null) {
            checks.setIssuer(config.jwtIssuer());
        }
        if (config.jwtAudience() != null) {
            checks.setAudience(List.of(config.jwtAudience()));
        }
        options.setJWTOptions(checks);
        return new Tokens(JWTAuth.create(vertx, options), config, clock);
    }

    /** The token's principal, or a failed future for any token that is not fully valid. */
    Future<Principal> verify(String token) {
        Principal known = verified.get(token);
        if (known != null) {
            if (clock.getAsLong() <= known.expiresAtMillis() + LEEWAY_SECONDS * 1000L) {
                return Future.succeededFuture(known);
            }
            return Future.failedFuture("token expired"); // kept: refused again at once (the cache is bounded)
        }
        return jwt.authenticate(new TokenCredentials(token)).compose(Tokens::principal).onSuccess(principal -> {
            if (token.length() <= MAX_CACHED_LENGTH) {
                if (verified.size() >= MAX_CACHED) {
                    verified.clear();
                }
                verified.put(token, principal);
            }
        });
    }

    /** The claims, looked up as vertx-auth keeps them (timestamps among the user's attributes). */
    private static Future<Principal> principal(User user) {
        if (!(user.get("exp") instanceof Number exp)) {
            return Future.failedFuture("token without exp");
        }
        Instant expiresAt = Instant.ofEpochSecond(exp.longValue());
        String subject = user.get("sub") instanceof String s ? s : null;
        Object role = user.get("role");
        if ("agent".equals(role)) {
            return Future.succeededFuture(Principal.agent(subject, null, expiresAt));
        }
        if ("customer".equals(role) && user.get("chatSessionId") instanceof Number id
                && id.longValue() >= 1 && id.longValue() <= Integer.MAX_VALUE && id.doubleValue() == id.longValue()) {
            return Future.succeededFuture(Principal.customer(id.intValue(), subject, expiresAt));
        }
        return Future.failedFuture("token without a valid role");
    }

    /** A token for the {@code token} command and for tests: role, optional session and subject, lifetime. */
    public String sign(String role, Integer chatSessionId, String subject, int ttlSeconds) {
        if (!config.canSign()) {
            throw new IllegalStateException("signing with " + config.jwtAlgorithm()
                    + " needs the private key: set jwtPrivateKeyFile / CHAT_JWT_PRIVATE_KEY_FILE");
        }
        JsonObject claims = new JsonObject().put("role", role);
        if (chatSessionId != null) {
            claims.put("chatSessionId", chatSessionId);
        }
        JWTOptions options = new JWTOptions().setAlgorithm(config.jwtAlgorithm()).setExpiresInSeconds(ttlSeconds);
        if (subject != null) {
            options.setSubject(subject);
        }
        if (config.jwtIssuer() != null) {
            options.setIssuer(config.jwtIssuer());
        }
        if (config.jwtAudience() != null) {
            options.setAudience(List.of(config.jwtAudience()));
        }
        return jwt.generateToken(claims, options);
    }
}
