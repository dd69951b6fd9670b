package chatapi.longpoll;

import chatapi.session.Watching;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An agent's queue as a {@code text/event-stream} ({@code GET ChatSession/ForCurrentUser} with
 * {@code Accept: text/event-stream}): {@code event: queue} with the list when it opens and whenever it changed.
 * The home context asks it to read again when a session it lists changes, or a session of a topic it follows
 * joins or leaves a queue or changes agent; a read asked for while one runs is made once after it. All its state
 * lives on its own event loop, but for the sets the home context reads.
 */
final class QueueStream {

    /** However often the list's sessions change, one stream reads it at most twice a second. */
    static final long MIN_INTERVAL_MS = 500;

    final Object quota;
    private final Context context;
    private final SseResponse sse;
    private final Supplier<Future<Watching.QueueView>> read;
    /** What the last read showed: its sessions and the topics it follows (read by the home context). */
    volatile Set<Integer> sessions = Set.of();
    /** Those of them waiting in the queue: their messages change the list (FirstMessage, LastMessage). */
    volatile Set<Integer> queued = Set.of();
    volatile Set<Integer> topics = null;
    // Confined to the stream's context.
    private boolean reading;
    private boolean again;
    private Buffer last;
    /** The newest list, held while the client's write queue is full. */
    private Buffer waiting;
    /** When the last read started (ms); reads are at least {@link #MIN_INTERVAL_MS} apart. */
    private long lastReadAt;
    private long readTimerId = -1;

    QueueStream(ParkedPolls polls, RoutingContext ctx, Context context, Object quota,
            Supplier<Future<Watching.QueueView>> read, long heartbeatMs, long expiresAtMs) {
        this.context = context;
        this.quota = quota;
        this.read = read;
        this.sse = new SseResponse(ctx, context, heartbeatMs, expiresAtMs, () -> {
            if (readTimerId >= 0) {
                context.owner().cancelTimer(readTimerId);
                readTimerId = -1;
            }
            polls.remove(this);
        });
        sse.onDrained(() -> {
            if (waiting != null) {
                Buffer newest = waiting;
                waiting = null;
                sse.write(newest);
            }
        });
    }

    /** Whether a change of that session, with those topics, may change this list (home context). */
    boolean concerns(int sessionId, int[] changedTopics) {
        if (sessions.contains(sessionId)) {
            return true;
        }
        Set<Integer> followed = topics;
        for (int topic : changedTopics) {
            if (followed == null || followed.contains(topic)) {
                return true;
            }
        }
        return false;
    }

    /** Opens the stream and writes the first list. Runs on the stream's context. */
    void open() {
        sse.open();
        refresh();
    }

    /**
     * Reads the list again (once more after a read under way, and not sooner than {@link #MIN_INTERVAL_MS} after the
     * last: a burst of changes costs one read), writing it when it changed.
     */
    void refresh() {
        if (sse.ended()) {
            return;
        }
        if (reading) {
            again = true;
            return;
        }
        long wait = lastReadAt + MIN_INTERVAL_MS - System.currentTimeMillis();
        if (wait > 0) {
            if (readTimerId < 0) {
                readTimerId = context.owner().setTimer(wait, id -> {
                    readTimerId = -1;
                    refresh();
                });
            }
            return;
        }
        lastReadAt = System.currentTimeMillis();
        reading = true;
        read.get().onComplete(done -> {
            reading = false;
            if (sse.ended()) {
                return;
            }
            if (done.failed()) { // the database is away: the client reconnects and reads again
                sse.close(null);
                return;
            }
            Watching.QueueView view = done.result();
            sessions = view.sessions();
            queued = view.waiting();
            topics = view.topics();
            Buffer frame = Buffer.buffer("event: queue\ndata: ").appendBuffer(view.json()).appendString("\n\n");
            if (!frame.equals(last)) {
                last = frame;
                if (sse.blocked()) {
                    waiting = frame; // only the newest list matters
                } else {
                    sse.write(frame);
                }
            }
            if (again && !sse.ended()) {
                again = false;
                refresh();
            }
        });
    }

    void onContext(Runnable what) {
        context.runOnContext(v -> what.run());
    }

    void stop() {
        sse.close(SseResponse.STOPPING);
    }

    void disconnected() {
        sse.finish();
    }
}
