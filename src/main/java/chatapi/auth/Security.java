package chatapi.auth;

import chatapi.config.AuthConfig;
import chatapi.http.ClientAddress;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;

/** The authentication handlers of one API verticle, built on the process-wide {@link Shared} state. */
public final class Security {

    /** Most remembered Basic logins (each needs the right password to get in). */
    private static final int MAX_CACHED_LOGINS = 10_000;

    /**
     * What every verticle of a process shares: the JWT verifier, the login throttle, the bounded password
     * hashing and the cache of verified Basic logins.
     */
    public static final class Shared {
        private final AuthConfig config;
        private final Tokens tokens;
        private final LoginThrottle throttle;
        private final PasswordChecks passwords;
        private final Cache<String, Principal> verifiedBasic;
        private final ClientAddress clients;

        public Shared(Vertx vertx, AuthConfig config, ClientAddress clients, MeterRegistry registry) {
            this.config = config;
            this.clients = clients;
            this.tokens = Tokens.create(vertx, config);
            this.throttle = new LoginThrottle(config.maxFailuresPerUserAndAddress(), config.maxFailuresPerAddress(),
                    config.lockoutSeconds());
            this.passwords = new PasswordChecks(vertx, config.hashThreads(), config.hashQueue(), registry);
            this.verifiedBasic = config.basicCacheSeconds() == 0 ? null : Caffeine.newBuilder()
                    .maximumSize(MAX_CACHED_LOGINS)
                    .expireAfterWrite(Duration.ofSeconds(config.basicCacheSeconds()))
                    .build();
        }

        /** Null when no JWT key is configured. */
        public Tokens tokens() {
            return tokens;
        }

        /** Releases the hashing pool (the server stops). */
        public void close() {
            passwords.close();
        }
    }

    private final Authenticator authenticator;
    private final AuthenticateHandler authenticate;

    public Security(SqlClient pool, Shared shared) {
        Credentials credentials = new Credentials(pool, shared.config.ticketTtlSeconds());
        this.authenticator = new Authenticator(credentials, shared.tokens, shared.throttle, shared.passwords,
                shared.verifiedBasic, shared.clients, shared.config);
        this.authenticate = new AuthenticateHandler(authenticator, credentials, shared.config, shared.clients);
    }

    /** The handler every /api/v1 route passes first. */
    public Authenticator authenticator() {
        return authenticator;
    }

    /** POST /api/v1/Authenticate. */
    public AuthenticateHandler authenticate() {
        return authenticate;
    }
}
