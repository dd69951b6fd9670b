package chatapi.db;

import com.fasterxml.jackson.core.JacksonException;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Tells a database that cannot be reached (refused, closed, shutting down, out of connections) from a
 * failure of the request itself: the first is answered 503 with Retry-After, and the client retries.
 */
public final class Unavailable {

    /**
     * SQLSTATEs of a server that is going away or not taking connections: admin_shutdown,
     * crash_shutdown, cannot_connect_now, too_many_connections, and object_not_in_prerequisite_state
     * (a database with ALLOW_CONNECTIONS false). Class 08, connection exceptions, is matched by prefix.
     */
    private static final Set<String> STATES = Set.of("57P01", "57P02", "57P03", "53300", "55000");
    /**
     * vertx-sql-client fails a statement sent to a connection that is closing or closed, or queued on one
     * that closes under it, with a plain VertxException carrying one of these messages (its
     * SocketConnectionBase), with no cause when none was given.
     */
    private static final String CLOSED_WITH_PENDING = "Pending requests failed to be sent due to connection has been closed";
    private static final String NOT_ACTIVE = "Connection is not active now";

    private Unavailable() {
    }

    /**
     * Whether the statement may have reached the database before the failure, which then says nothing of its outcome:
     * the connection closed or reset under it, or its backend ended (admin or crash shutdown, a connection failure).
     * Not when it was never sent: no connection to be had, refused, timed out waiting for one, or closed before.
     */
    public static boolean afterSending(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JacksonException || t instanceof java.net.ConnectException
                    || t instanceof TimeoutException || t instanceof io.netty.channel.ConnectTimeoutException) {
                return false;
            }
            if (closedBeforeSending(t)) {
                return false;
            }
            if (t instanceof ClosedConnectionException || t instanceof IOException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null) {
                return pg.getSqlState().equals("57P01") || pg.getSqlState().equals("57P02")
                        || pg.getSqlState().equals("08006");
            }
        }
        return false;
    }

    /** vertx-sql-client's failure of a statement queued on a connection that closed before it was sent. */
    private static boolean closedBeforeSending(Throwable t) {
        return t instanceof VertxException && t.getMessage() != null
                && (t.getMessage().startsWith(CLOSED_WITH_PENDING) || t.getMessage().startsWith(NOT_ACTIVE));
    }

    public static boolean is(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JacksonException) {
                // Writing or reading JSON/XML failed (Jackson's exceptions are IOExceptions): not the database.
                return false;
            }
            // An I/O failure on the way to the database: a refused connect, a connection reset or a broken pipe
            // to a terminated backend, a closed channel. (Handlers do no other I/O that can fail this way.)
            if (t instanceof ClosedConnectionException || t instanceof IOException
                    || t instanceof TimeoutException || t instanceof io.netty.channel.ConnectTimeoutException) {
                return true;
            }
            if (closedBeforeSending(t)) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || STATES.contains(pg.getSqlState()))) {
                return true;
            }
        }
        return false;
    }
}
