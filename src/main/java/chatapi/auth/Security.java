package chatapi.auth;

import chatapi.config.AuthConfig;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;

/** The authentication handlers of one API verticle, built on the process-wide {@link Shared} state. */
public final class Security {

    /** What every verticle of a process shares: the JWT verifier and the lockout table. */
    public static final class Shared {
        private final AuthConfig config;
        private final Tokens tokens;
        private final Lockout lockout;

        public Shared(Vertx vertx, AuthConfig config) {
            this.config = config;
            this.tokens = Tokens.create(vertx, config);
            this.lockout = new Lockout(config.maxFailuresPerUser(), config.maxFailuresPerAddress(),
                    config.lockoutSeconds() * 1000L);
        }

        /** Null when no JWT key is configured. */
        public Tokens tokens() {
            return tokens;
        }
    }

    private final Authenticator authenticator;
    private final AuthenticateHandler authenticate;

    public Security(Vertx vertx, SqlClient pool, Shared shared) {
        Credentials credentials = new Credentials(pool, shared.config.ticketTtlSeconds());
        this.authenticator = new Authenticator(vertx, credentials, shared.tokens, shared.lockout, shared.config);
        this.authenticate = new AuthenticateHandler(authenticator, credentials, shared.config);
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
