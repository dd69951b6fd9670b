package chatapi.message;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the notification of a message the API has committed (V11: its insert tells the NOTIFY trigger to stay
 * quiet), on channel {@code chat_message} as the trigger would: {@code "<session> <µs written>"}, or
 * {@code "<session>"} when it is not known whether the insert committed (the connection was lost under it, or its
 * backend ended: the POST is answered 503).
 *
 * <p>A notification that fails is not dropped: this instance's own waiters are woken at once, and the
 * notification is sent again, with a growing delay, for about a minute (one retry chain per session however many
 * of its messages wait on it), so that the other instances' streams hear of the message once the database takes
 * it. Should it never (the database away all that time, or this instance killed between the commit and the
 * notification), long polls still find the message when their wait ends, and every instance's streams look at the
 * table again when its listener reconnects; a stream whose listener never lost its connection learns of it with
 * the session's next message.
 *
 * <p>One per event loop: every call comes from that loop's context.
 */
public final class CommitNotifier {

    /** The local side of a notification ({@code ParkedPolls.notified}). */
    public interface Wake {
        void notified(int chatSessionId, long writtenAtMicros);
    }

    /** A statement that commits without waiting for its flush, so that it holds the notify lock only briefly. */
    static final String NOTIFY = "SELECT set_config('synchronous_commit', 'off', true), pg_notify('chat_message', $1)";
    static final long AGAIN_MS = 1_000;
    static final long FIRST_RETRY_MS = 100;
    static final long MAX_RETRY_MS = 2_000;
    /** Attempts per notification: 100 ms doubling to 2 s, then every 2 s, about a minute in all. */
    static final int ATTEMPTS = 34;
    private static final Logger LOG = LoggerFactory.getLogger(CommitNotifier.class);

    private final Vertx vertx;
    private final SqlClient pool;
    private final Wake local;
    /** Sessions whose notification is being retried, with the earliest write time it stands for (0: unknown). */
    private final Map<Integer, Long> retrying = new HashMap<>();
    private int inFlight;
    private Promise<Void> settled;

    public CommitNotifier(Vertx vertx, SqlClient pool, Wake local) {
        this.vertx = vertx;
        this.pool = pool;
        this.local = local;
    }

    /** The session's message committed, written at {@code writtenAtMicros}. */
    void committed(int chatSessionId, long writtenAtMicros) {
        send(chatSessionId, writtenAtMicros);
    }

    /**
     * The connection was lost under the session's insert: it may have committed, or may yet (a backend whose client
     * went away finishes its statement), so the session is notified now and once more {@value #AGAIN_MS} ms later.
     */
    void mayHaveCommitted(int chatSessionId) {
        send(chatSessionId, 0);
        inFlight++;
        vertx.setTimer(AGAIN_MS, t -> {
            inFlight--;
            send(chatSessionId, 0);
        });
    }

    /** The first attempt: on failure, the local waiters are woken and a retry chain starts (or takes it on). */
    private void send(int chatSessionId, long writtenAtMicros) {
        execute(chatSessionId, writtenAtMicros).onComplete(ar -> {
            if (ar.failed()) {
                failedFirst(chatSessionId, writtenAtMicros, ar.cause());
            }
            settleIfIdle();
        });
    }

    private Future<?> execute(int chatSessionId, long writtenAtMicros) {
        String payload = writtenAtMicros == 0 ? Integer.toString(chatSessionId) : chatSessionId + " " + writtenAtMicros;
        inFlight++;
        return pool.preparedQuery(NOTIFY).execute(Tuple.of(payload)).andThen(ar -> inFlight--);
    }

    private void failedFirst(int chatSessionId, long writtenAtMicros, Throwable cause) {
        local.notified(chatSessionId, writtenAtMicros);
        Long earlier = retrying.get(chatSessionId);
        if (earlier != null) { // a chain is running for the session: it covers this message too
            retrying.put(chatSessionId, earlier == 0 || writtenAtMicros == 0 ? 0 : Math.min(earlier, writtenAtMicros));
            return;
        }
        LOG.warn("Could not notify the waiters of session {} on other instances; retrying: {}", chatSessionId,
                cause.toString());
        retrying.put(chatSessionId, writtenAtMicros);
        retryLater(chatSessionId, 2);
    }

    private void failedAgain(int chatSessionId, int attempt, Throwable cause) {
        if (attempt < ATTEMPTS) {
            retryLater(chatSessionId, attempt + 1);
            return;
        }
        retrying.remove(chatSessionId);
        LOG.error("Gave up notifying the waiters of session {} on other instances after {} attempts ({}): their"
                + " long polls find its message when they end, their streams when their listener reconnects or the"
                + " session's next message is notified", chatSessionId, attempt, cause.toString());
    }

    private void retryLater(int chatSessionId, int attempt) {
        long delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(attempt - 2, 5));
        inFlight++;
        vertx.setTimer(delay, t -> {
            inFlight--;
            Long writtenAt = retrying.get(chatSessionId);
            if (writtenAt != null) {
                resend(chatSessionId, writtenAt, attempt);
            }
            settleIfIdle();
        });
    }

    /** A retry: on success the chain ends; on failure it goes on (or gives up). */
    private void resend(int chatSessionId, long writtenAtMicros, int attempt) {
        execute(chatSessionId, writtenAtMicros).onComplete(ar -> {
            if (ar.succeeded()) {
                retrying.remove(chatSessionId);
                LOG.info("Notified the waiters of session {} after {} attempts", chatSessionId, attempt);
            } else {
                failedAgain(chatSessionId, attempt, ar.cause());
            }
            settleIfIdle();
        });
    }

    /**
     * Completes once no notification is in flight or waiting for a retry, or after {@code waitMs}: the stop waits on
     * it before it closes the pool.
     */
    public Future<Void> settled(long waitMs) {
        if (inFlight == 0) {
            return Future.succeededFuture();
        }
        if (settled == null) {
            settled = Promise.promise();
            long timer = vertx.setTimer(waitMs, t -> {
                if (inFlight > 0) {
                    LOG.warn("Stopping with {} notification(s) unsent", inFlight);
                }
                settle();
            });
            settled.future().onComplete(v -> vertx.cancelTimer(timer));
        }
        return settled.future();
    }

    private void settleIfIdle() {
        if (inFlight == 0) {
            settle();
        }
    }

    private void settle() {
        if (settled != null) {
            Promise<Void> done = settled;
            settled = null;
            done.tryComplete();
        }
    }
}
