package chatapi.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which failures are the database being away (503, retry) and which are not (the request's own). */
@DisplayName("Unavailable: database-away failures")
class UnavailableTest {

    @Test
    @DisplayName("refused, reset, closed, timed out, shutting down, not accepting connections: unavailable")
    void away() {
        assertTrue(Unavailable.is(new ConnectException("Connection refused")));
        assertTrue(Unavailable.is(new SocketException("Connection reset")));
        assertTrue(Unavailable.is(new java.io.IOException("Broken pipe")));
        assertTrue(Unavailable.is(ClosedConnectionException.INSTANCE));
        assertTrue(Unavailable.is(new TimeoutException("pool")));
        assertTrue(Unavailable.is(VertxException.noStackTrace(
                "Pending requests failed to be sent due to connection has been closed.")));
        assertTrue(Unavailable.is(VertxException.noStackTrace("Connection is not active now, current status: CLOSED")));
        assertTrue(Unavailable.is(pg("57P01"))); // terminating connection due to administrator command
        assertTrue(Unavailable.is(pg("57P03"))); // the database system is starting up
        assertTrue(Unavailable.is(pg("55000"))); // database is not currently accepting connections
        assertTrue(Unavailable.is(pg("08006"))); // connection failure
        assertTrue(Unavailable.is(new RuntimeException("wrapped", pg("53300"))));
    }

    @Test
    @DisplayName("a constraint violation, a syntax error, a bug: not unavailable")
    void notAway() {
        assertFalse(Unavailable.is(pg("23505")));
        assertFalse(Unavailable.is(pg("42601")));
        assertFalse(Unavailable.is(new IllegalStateException("bug")));
        assertFalse(Unavailable.is(VertxException.noStackTrace("something else")));
        assertFalse(Unavailable.is(null));
    }

    @Test
    @DisplayName("an answer that cannot be written (Jackson's exceptions are IOExceptions) is not the database being away")
    void encodingIsNotAway() {
        var xml = new com.fasterxml.jackson.core.JsonGenerationException("Broken surrogate pair",
                (com.fasterxml.jackson.core.JsonGenerator) null);
        assertFalse(Unavailable.is(xml));
        assertFalse(Unavailable.is(new java.io.UncheckedIOException(xml)));
        assertFalse(Unavailable.is(new RuntimeException("cannot write ArrayOfChatMessage", xml)));
    }

    @Test
    @DisplayName("the statement may have run when the connection or backend went under it, not when it was never sent")
    void afterSending() {
        assertTrue(Unavailable.afterSending(ClosedConnectionException.INSTANCE));
        assertTrue(Unavailable.afterSending(new SocketException("Connection reset")));
        assertTrue(Unavailable.afterSending(pg("57P01")));
        assertTrue(Unavailable.afterSending(pg("57P02")));
        assertTrue(Unavailable.afterSending(new RuntimeException("wrapped", pg("08006"))));
        assertFalse(Unavailable.afterSending(new ConnectException("Connection refused")));
        assertFalse(Unavailable.afterSending(new TimeoutException("pool")));
        assertFalse(Unavailable.afterSending(VertxException.noStackTrace(
                "Pending requests failed to be sent due to connection has been closed.")));
        assertFalse(Unavailable.afterSending(VertxException.noStackTrace("Connection is not active now, current status: CLOSED")));
        assertFalse(Unavailable.afterSending(pg("53300")));
        assertFalse(Unavailable.afterSending(pg("57P03")));
        assertFalse(Unavailable.afterSending(pg("23505")));
        assertFalse(Unavailable.afterSending(null));
    }

    private static PgException pg(String sqlState) {
        return new PgException("message", "FATAL", sqlState, null);
    }
}
