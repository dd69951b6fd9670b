package chatapi.message;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the notification of a message the API has committed (V11: its insert tells the NOTIFY trigger to stay
 * quiet), on channel {@code chat_message}: {@code "<session> <µs written> <message id>"} (the trigger's own say
 * {@code "<session> <µs written>"}), or {@code "<session>"} when it is not known whether the insert committed (the
 * connection was lost under it, or its backend ended: the POST is answered 503). The id tells the listeners which
 * waiters the message concerns: those that have not seen it. This instance's own waiters are answered at once, from
 * the message itself ({@link Wake#inserted}).
 *
 * <p>Notifications leave in batches: one at a time per event loop, at least {@value #GAP_MS} ms apart. The messages
 * committed meanwhile are sent together in one notification that lists their sessions, comma-separated
 * ({@code "12 1733… 5120,14 1733… 5118,15"}; a session once, with the earliest time and the highest id), split so
 * that no payload reaches PostgreSQL's 8,000-byte limit. Notifying transactions commit one after another behind a database-wide lock, so
 * under load this turns one notifying transaction per message into one per batch (BENCHMARKS.md, N1). A message
 * committed while none is on its way and none left in the last {@value #GAP_MS} ms is notified at once, alone;
 * otherwise it waits for the batch on its way to come back (a round trip, longer while the pool or the notify lock
 * is busy), then at most {@value #GAP_MS} ms.
 *
 * <p>A notification that fails is not dropped: this instance's own waiters are woken at once, and the session is
 * kept for a retry, for up to a minute after its latest refused message: all the sessions of an event loop that
 * wait for one go out together, in batches as above (each entry as it was, id included), 100 ms after a refusal,
 * the delay doubling up to 2 s while batches keep being refused, so that the other instances' streams hear of the
 * message once the database takes it. After an outage that refused the notifications of thousands of sessions
 * they go out in a few dozen notifying transactions at most (a batch lists some 300 sessions), not one per
 * session, and the log says so once per outage and event loop (a WARN at the first refusal, an INFO when they
 * went through, an ERROR for those given up), not once per session. Should it never (the database away all that time,
 * this instance killed between the commit and the notification, or stopped with one still unsent after its grace
 * period), long polls still find the message within a minute and a wait (what an instance knows of a session without
 * asking expires), and every instance's streams look at the table again when its listener reconnects; a stream whose
 * listener never lost its connection learns of it with the session's next message. So does one whose insert lost its
 * connection and committed more than {@value #AGAIN_MS} ms later (its backend blocked that long).
 *
 * <p>One per event loop: every call comes from that loop's context.
 */
public final class CommitNotifier {

    /** The local side of a notification ({@code ParkedPolls}). */
    public interface Wake {

        /**
         * Messages of the session up to id {@code upTo} (0: any, unknown) committed, the earliest written at
         * {@code writtenAtMicros} (0 when unknown).
         */
        void notified(int chatSessionId, long writtenAtMicros, int upTo);

        /** Called before a message of the session is inserted; what it returns goes to {@link #inserted}. */
        Object beforeInsert(int chatSessionId);

        /**
         * This instance committed {@code message}, the session's message after {@code previousId} (-1: not known),
         * written at {@code writtenAtMicros}; {@code before} is what {@link #beforeInsert} returned.
         */
        void inserted(ChatMessage message, int previousId, long writtenAtMicros, Object before);
    }

    /** A statement that commits without waiting for its flush, so that it holds the notify lock only briefly. */
    static final String NOTIFY = "SELECT set_config('synchronous_commit', 'off', true), pg_notify('chat_message', $1)";
    static final long AGAIN_MS = 1_000;
    static final long FIRST_RETRY_MS = 100;
    static final long MAX_RETRY_MS = 2_000;
    /** How long a refused message's notification is retried (100 ms doubling to 2 s apart while refused). */
    static final long RETRY_FOR_MS = 60_000;
    /**
     * The least time between two batches of one event loop: a notifying transaction costs the database a commit
     * behind its one notify lock whatever it lists, so under load fewer and fuller ones raise the write ceiling
     * (BENCHMARKS.md, N1).
     */
    static final long GAP_MS = 2;
    /** A payload stays below this many bytes (PostgreSQL refuses 8,000 and more). */
    static final int MAX_PAYLOAD = 7_900;
    private static final Logger LOG = LoggerFactory.getLogger(CommitNotifier.class);

    private final Vertx vertx;
    private final SqlClient pool;
    private final Wake local;
    private final long retryForMs;
    /** Sessions whose notification was refused, waiting for the next retry, with what their entry will say. */
    private final Map<Integer, Entry> retrying = new LinkedHashMap<>();
    /** Whether the next retry's timer is set. */
    private boolean retryDue;
    /** Batches refused in a row since one went through: the retries' back-off. */
    private int refusedInARow;
    private Throwable lastRefusal;
    /** Sessions whose second "may have committed" notification is due. */
    private final java.util.Set<Integer> again = new java.util.HashSet<>();
    /** Sessions committed while a batch was on its way, with what their entry will say: the next batch. */
    private final Map<Integer, Entry> queued = new LinkedHashMap<>();
    private boolean sending;
    /** When the last batch left ({@link System#nanoTime()}). */
    private long lastSent = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(GAP_MS);
    private int inFlight;
    private Promise<Void> settled;

    public CommitNotifier(Vertx vertx, SqlClient pool, Wake local) {
        this(vertx, pool, local, RETRY_FOR_MS);
    }

    /** As the public constructor, with refused messages retried for {@code retryForMs} (tests). */
    CommitNotifier(Vertx vertx, SqlClient pool, Wake local, long retryForMs) {
        this.vertx = vertx;
        this.pool = pool;
        this.local = local;
        this.retryForMs = retryForMs;
    }

    /** Before a message of the session is inserted ({@link Wake#beforeInsert}). */
    Object beforeInsert(int chatSessionId) {
        return local.beforeInsert(chatSessionId);
    }

    /** A message of the session committed, written at {@code writtenAtMicros}, but not read back: notified without its id. */
    void committed(int chatSessionId, long writtenAtMicros) {
        send(chatSessionId, Entry.first(writtenAtMicros, 0));
    }

    /**
     * The message committed, written at {@code writtenAtMicros}, the session's next after {@code previousId} (-1: not
     * known): this instance's waiters are told at once, the others by the notification.
     */
    void committed(ChatMessage message, long writtenAtMicros, int previousId, Object before) {
        send(message.chatSessionId(), Entry.first(writtenAtMicros, message.chatMessageId()));
        local.inserted(message, previousId, writtenAtMicros, before);
    }

    /**
     * The connection was lost under the session's insert, after it was sent: it may have committed, or may yet (a
     * backend whose client went away finishes its statement), so the session is notified now and once more
     * {@value #AGAIN_MS} ms later (once per session however many such inserts).
     */
    void mayHaveCommitted(int chatSessionId) {
        if (!again.add(chatSessionId)) {
            return;
        }
        send(chatSessionId, Entry.first(0, 0));
        inFlight++;
        vertx.setTimer(AGAIN_MS, t -> {
            inFlight--;
            again.remove(chatSessionId);
            send(chatSessionId, Entry.first(0, 0));
        });
    }

    /** Into the next batch: on failure, a first attempt wakes the local waiters, and the session waits for a retry. */
    private void send(int chatSessionId, Entry entry) {
        queued.merge(chatSessionId, entry, Entry::and);
        if (!sending) {
            sendBatch();
        }
    }

    /** The next batch, at once if the last left {@value #GAP_MS} ms ago or more, else when it has. */
    private void sendBatch() {
        if (queued.isEmpty()) {
            sending = false;
            settleIfIdle();
            return;
        }
        sending = true;
        long waitNanos = lastSent + TimeUnit.MILLISECONDS.toNanos(GAP_MS) - System.nanoTime();
        if (waitNanos > 0) {
            inFlight++;
            vertx.setTimer((waitNanos + 999_999) / 1_000_000, t -> {
                inFlight--;
                sendNow();
            });
        } else {
            sendNow();
        }
    }

    private void sendNow() {
        lastSent = System.nanoTime();
        Map<Integer, Entry> batch = new HashMap<>();
        execute(takePayload(batch)).onComplete(ar -> {
            try {
                if (ar.failed()) {
                    refused(batch, ar.cause());
                } else {
                    taken(batch);
                }
            } finally {
                sendBatch(); // whatever happened above: the sessions queued meanwhile must not be stranded
            }
        });
    }

    /** Takes queued sessions, in the order they came, into {@code batch} while the payload stays in bounds. */
    private String takePayload(Map<Integer, Entry> batch) {
        StringBuilder payload = new StringBuilder();
        Iterator<Map.Entry<Integer, Entry>> it = queued.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Integer, Entry> next = it.next();
            String entry = next.getValue().payload(next.getKey());
            if (payload.length() > 0 && payload.length() + 1 + entry.length() >= MAX_PAYLOAD) {
                break;
            }
            if (payload.length() > 0) {
                payload.append(',');
            }
            payload.append(entry);
            batch.put(next.getKey(), next.getValue());
            it.remove();
        }
        return payload.toString();
    }

    /**
     * What a session's entry in a batch says: the earliest write time of its messages (0: unknown) and the highest
     * id among them (0: unknown, when the notification must concern every waiter); whether it holds a first attempt
     * (whose failure wakes the local waiters), and until when it is retried (0: it is not a retry; merged, the
     * later deadline, so that each message has its minute).
     */
    private record Entry(long writtenAtMicros, int upTo, boolean first, long retryUntilMs) {

        static Entry first(long writtenAtMicros, int upTo) {
            return new Entry(writtenAtMicros, upTo, true, 0);
        }

        Entry and(Entry other) {
            return new Entry(earliest(writtenAtMicros, other.writtenAtMicros),
                    upTo == 0 || other.upTo == 0 ? 0 : Math.max(upTo, other.upTo), first || other.first,
                    Math.max(retryUntilMs, other.retryUntilMs));
        }

        String payload(int chatSessionId) {
            if (writtenAtMicros == 0) {
                return Integer.toString(chatSessionId);
            }
            return upTo == 0 ? chatSessionId + " " + writtenAtMicros : chatSessionId + " " + writtenAtMicros + " " + upTo;
        }
    }

    /** Of two write times (0: unknown), the known one, or the earlier of two known. */
    public static long earliest(long a, long b) {
        return a == 0 ? b : b == 0 ? a : Math.min(a, b);
    }

    private Future<?> execute(String payload) {
        inFlight++;
        return pool.preparedQuery(NOTIFY).execute(Tuple.of(payload)).andThen(ar -> inFlight--);
    }

    /**
     * A batch was refused: its sessions wait for the next retry, each with what its entry said (a first attempt's
     * message gets a minute from now), and the local waiters of its first attempts are woken. The log says so once
     * per outage (the first refused batch after one went through), and at debug level for the batches after it.
     */
    private void refused(Map<Integer, Entry> batch, Throwable cause) {
        refusedInARow++;
        lastRefusal = cause;
        long now = System.currentTimeMillis();
        batch.forEach((sessionId, entry) -> retrying.merge(sessionId, new Entry(entry.writtenAtMicros, entry.upTo,
                false, entry.first ? now + retryForMs : entry.retryUntilMs), Entry::and));
        if (!retryDue) {
            retryDue = true;
            inFlight++;
            long delayMs = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(refusedInARow - 1, 5));
            vertx.setTimer(delayMs, t -> {
                inFlight--;
                retryDue = false;
                retry();
            });
        }
        if (refusedInARow == 1) {
            LOG.warn("Could not notify the waiters of {} session(s) on other instances; retrying each for up to {} s: {}",
                    batch.size(), retryForMs / 1_000.0, cause.toString());
        } else {
            LOG.debug("Notifying {} session(s) refused again ({} in a row): {}", batch.size(), refusedInARow,
                    cause.toString());
        }
        batch.forEach((sessionId, entry) -> {
            if (entry.first) {
                local.notified(sessionId, entry.writtenAtMicros, 0);
            }
        });
    }

    /** A batch went through: the retries it held are done. */
    private void taken(Map<Integer, Entry> batch) {
        refusedInARow = 0;
        int retried = 0;
        for (Entry entry : batch.values()) {
            if (entry.retryUntilMs > 0) {
                retried++;
            }
        }
        if (retried > 0) {
            LOG.info("Notified the waiters of {} session(s) on other instances after retrying", retried);
        }
    }

    /** The sessions waiting for a retry go into the next batch, but those whose minute has passed. */
    private void retry() {
        long now = System.currentTimeMillis();
        java.util.List<Integer> givenUp = new java.util.ArrayList<>();
        retrying.forEach((sessionId, entry) -> {
            if (now >= entry.retryUntilMs) {
                givenUp.add(sessionId);
            } else {
                queued.merge(sessionId, entry, Entry::and);
            }
        });
        retrying.clear();
        if (!givenUp.isEmpty()) {
            LOG.error("Gave up notifying the waiters of {} session(s) on other instances after {} s (sessions {};"
                    + " last refusal: {}): their long polls find the messages within a minute and a wait, their"
                    + " streams when their listener reconnects or the session's next message is notified",
                    givenUp.size(), retryForMs / 1_000.0, givenUp.subList(0, Math.min(10, givenUp.size())),
                    String.valueOf(lastRefusal));
        }
        if (!sending) {
            sendBatch();
        }
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
                    LOG.warn("Stopping with notifications unsent: {} session(s) queued, {} statement(s) or timer(s)"
                            + " pending, {} session(s) being retried", queued.size(), inFlight, retrying.size());
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
