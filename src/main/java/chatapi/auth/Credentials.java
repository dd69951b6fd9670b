package chatapi.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Optional;

/** Where agents' password hashes and tickets are read and written. */
final class Credentials {

    static final String TICKET_PREFIX = "7T:";

    /**
     * $1 is the login name lower-cased by Java, as the login throttle keys it, so that every spelling that finds
     * an agent takes from the same allowance (PostgreSQL's lower() folds some letters differently).
     */
    static final String SELECT_AGENT = "SELECT associate_id, name, password_hash FROM associate"
            + " WHERE lower(name) = $1 AND NOT deleted";

    static final String INSERT_TICKET = "INSERT INTO auth_ticket (token_hash, associate_id, expires_at)"
            + " VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING expires_at";

    static final String DELETE_EXPIRED_TICKETS = "DELETE FROM auth_ticket WHERE expires_at < now()";

    static final String SELECT_TICKET = "SELECT a.associate_id, a.name, t.expires_at FROM auth_ticket t"
            + " JOIN associate a ON a.associate_id = t.associate_id"
            + " WHERE t.token_hash = $1 AND t.expires_at > now() AND NOT a.deleted";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** An agent's login row; {@code passwordHash} null when the agent cannot log in with a password. */
    record Agent(int associateId, String name, String passwordHash) {
    }

    /** A ticket as handed out: the secret itself and when it expires. */
    record IssuedTicket(String ticket, OffsetDateTime expires) {
    }

    private final SqlClient pool;
    private final int ticketTtlSeconds;

    Credentials(SqlClient pool, int ticketTtlSeconds) {
        this.pool = pool;
        this.ticketTtlSeconds = ticketTtlSeconds;
    }

    Future<Optional<Agent>> agent(String loginName) {
        return pool.preparedQuery(SELECT_AGENT).execute(Tuple.of(loginName.toLowerCase(java.util.Locale.ROOT)))
                .map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Optional.empty();
            }
            Row row = it.next();
            return Optional.of(new Agent(row.getInteger(0), row.getString(1), row.getString(2)));
        });
    }

    /** A new ticket {@code 7T:<256 random bits>} for the agent; expired tickets are swept on the way. */
    Future<IssuedTicket> issueTicket(int associateId) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String ticket = TICKET_PREFIX + BASE64URL.encodeToString(secret);
        return pool.preparedQuery(DELETE_EXPIRED_TICKETS).execute()
                .compose(v -> pool.preparedQuery(INSERT_TICKET)
                        .execute(Tuple.of(sha256(ticket), associateId, (double) ticketTtlSeconds)))
                .map(rows -> new IssuedTicket(ticket, rows.iterator().next().getOffsetDateTime(0)));
    }

    /** The agent holding a valid, unexpired ticket. */
    Future<Optional<Principal>> ticketHolder(String ticket) {
        if (ticket == null || !ticket.startsWith(TICKET_PREFIX) || ticket.length() > 100) {
            return Future.succeededFuture(Optional.empty());
        }
        return pool.preparedQuery(SELECT_TICKET).execute(Tuple.of(sha256(ticket))).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Optional.empty();
            }
            Row row = it.next();
            Instant expires = row.getOffsetDateTime(2).toInstant();
            return Optional.of(Principal.agent(row.getString(1), row.getInteger(0), expires));
        });
    }

    static io.vertx.core.buffer.Buffer sha256(String text) {
        try {
            return io.vertx.core.buffer.Buffer.buffer(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
