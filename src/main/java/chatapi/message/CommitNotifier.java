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
 * <p>A notification that fails is not dropped: this instance's own waiters are woken at once, and the
 * notification is sent again, with a growing delay, for a minute (one retry chain per session and event loop however
 * many of its messages wait on it), so that the other instances' streams hear of the message once the database
 * takes it. Should it never (the database away all that time, this instance killed between the commit and the
 * notification, or stopped with one still unsent after its grace period), long polls still find the message within a
 * minute and a wait (what an instance knows of a session without asking expires), and every instance's streams look
 * at the table again when its listener reconnects; a stream whose
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
    /** How long a chain retries: 100 ms doubling to 2 s between attempts, then every 2 s, until a minute has passed. */
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
    /** Sessions whose notification is being retried. */
    private final Map<Integer, Chain> retrying = new HashMap<>();
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
        this.vertx = vertx;
        this.pool = pool;
        this.local = local;
    }

    /** Before a message of the session is inserted ({@link Wake#beforeInsert}). */
    Object beforeInsert(int chatSessionId) {
        return local.beforeInsert(chatSessionId);
    }

    /** A message of the session committed, written at {@code writtenAtMicros}, but not read back: notified without its id. */
    void committed(int chatSessionId, long writtenAtMicros) {
        send(chatSessionId, new Entry(writtenAtMicros, 0));
    }

    /**
     * The message committed, written at {@code writtenAtMicros}, the session's next after {@code previousId} (-1: not
     * known): this instance's waiters are told at once, the others by the notification.
     */
    void committed(ChatMessage message, long writtenAtMicros, int previousId, Object before) {
        send(message.chatSessionId(), new Entry(writtenAtMicros, message.chatMessageId()));
        local.inserted(message, previousId, writtenAtMicros, before);
    }

    /**
     * The connection was lost under the session's insert, after it was sent: it may have committed, or may yet (a
     * backend whose client went away finishes its statement), so the session is notified now and once more
     * {@value #AGAIN_MS} ms later (once per session however many such inserts; a chain of retries covers it too).
     */
    void mayHaveCommitted(int chatSessionId) {
        if (retrying.containsKey(chatSessionId) || !again.add(chatSessionId)) {
            return;
        }
        send(chatSessionId, Entry.UNKNOWN);
        inFlight++;
        vertx.setTimer(AGAIN_MS, t -> {
            inFlight--;
            again.remove(chatSessionId);
            send(chatSessionId, Entry.UNKNOWN);
        });
    }

    /**
     * The first attempt, in the next batch: on failure, the local waiters are woken and a retry chain starts (or takes
     * it on).
     */
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
                    batch.forEach((sessionId, entry) -> failedFirst(sessionId, entry.writtenAtMicros, ar.cause()));
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

    private static String entry(int chatSessionId, long writtenAtMicros) {
        return new Entry(writtenAtMicros, 0).payload(chatSessionId);
    }

    /**
     * What a session's entry in a batch says: the earliest write time of its messages (0: unknown) and the highest
     * id among them (0: unknown, when the notification must concern every waiter).
     */
    private record Entry(long writtenAtMicros, int upTo) {
        static final Entry UNKNOWN = new Entry(0, 0);

        Entry and(Entry other) {
            return new Entry(earliest(writtenAtMicros, other.writtenAtMicros),
                    upTo == 0 || other.upTo == 0 ? 0 : Math.max(upTo, other.upTo));
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

    /** A session's retries: the earliest write time they stand for (0: unknown), and what changed since a send. */
    private static final class Chain {
        long writtenAtMicros;
        /** Bumped by each message that joins the chain: a send that succeeds ends it only if none joined meanwhile. */
        int version;
        final long deadlineMs;
        int attempts = 1;

        Chain(long writtenAtMicros, long deadlineMs) {
            this.writtenAtMicros = writtenAtMicros;
            this.deadlineMs = deadlineMs;
        }

        void join(long writtenAt) {
            writtenAtMicros = writtenAtMicros == 0 || writtenAt == 0 ? 0 : Math.min(writtenAtMicros, writtenAt);
            version++;
        }
    }

    private void failedFirst(int chatSessionId, long writtenAtMicros, Throwable cause) {
        local.notified(chatSessionId, writtenAtMicros, 0);
        Chain chain = retrying.get(chatSessionId);
        if (chain != null) { // a chain is running for the session: it covers this message too
            chain.join(writtenAtMicros);
            return;
        }
        LOG.warn("Could not notify the waiters of session {} on other instances; retrying: {}", chatSessionId,
                cause.toString());
        retrying.put(chatSessionId, new Chain(writtenAtMicros, System.currentTimeMillis() + RETRY_FOR_MS));
        retryLater(chatSessionId, 0);
    }

    private void retryLater(int chatSessionId, long delayMs) {
        inFlight++;
        vertx.setTimer(Math.max(1, delayMs), t -> {
            inFlight--;
            Chain chain = retrying.get(chatSessionId);
            if (chain != null) {
                resend(chatSessionId, chain);
            }
            settleIfIdle();
        });
    }

    /**
     * A retry: on success the chain ends, unless a message joined it while the notification was on its way (that
     * notification may have preceded its commit: sent again at once); on failure it goes on until its deadline.
     */
    private void resend(int chatSessionId, Chain chain) {
        int version = chain.version;
        chain.attempts++;
        execute(entry(chatSessionId, chain.writtenAtMicros)).onComplete(ar -> {
            if (ar.succeeded() && chain.version == version) {
                retrying.remove(chatSessionId);
                LOG.info("Notified the waiters of session {} after {} attempts", chatSessionId, chain.attempts);
            } else if (ar.succeeded()) {
                retryLater(chatSessionId, 0);
            } else if (System.currentTimeMillis() < chain.deadlineMs) {
                retryLater(chatSessionId, Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(chain.attempts - 1, 5)));
            } else {
                retrying.remove(chatSessionId);
                LOG.error("Gave up notifying the waiters of session {} on other instances after {} attempts ({}):"
                        + " their long polls find its message within a minute and a wait, their streams when their"
                        + " listener reconnects or the session's next message is notified", chatSessionId, chain.attempts,
                        ar.cause().toString());
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
