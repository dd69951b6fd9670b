package chatapi.longpoll;

import chatapi.session.Watching;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
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

    final Object quota;
    private final RoutingContext ctx;
    private final Context context;
    private final ParkedPolls polls;
    private final Supplier<Future<Watching.QueueView>> read;
    private final long heartbeatMs;
    private final long expiresAtMs;
    /** What the last read showed: its sessions and the topics it follows (read by the home context). */
    volatile Set<Integer> sessions = Set.of();
    volatile Set<Integer> topics = null;
    // Confined to the stream's context.
    private boolean reading;
    private boolean again;
    private boolean ended;
    private Buffer last;
    private long timerId = -1;
    /** When the last read started (ms); reads are at least {@link #MIN_INTERVAL_MS} apart. */
    private long lastReadAt;
    private long readTimerId = -1;
    /** The connection's write queue is full: the newest list waits for it to drain. */
    private boolean blocked;
    private Buffer waiting;
    private long drainTimerId = -1;

    /** However often the list's sessions change, one stream reads it at most twice a second. */
    static final long MIN_INTERVAL_MS = 500;

    QueueStream(ParkedPolls polls, RoutingContext ctx, Context context, Object quota,
            Supplier<Future<Watching.QueueView>> read, long heartbeatMs, long expiresAtMs) {
        this.polls = polls;
        this.ctx = ctx;
        this.context = context;
        this.quota = quota;
        this.read = read;
        this.heartbeatMs = heartbeatMs;
        this.expiresAtMs = expiresAtMs;
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
        ctx.response().setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no")
                .write(EventStream.OPENING);
        armTimer();
        refresh();
    }

    /**
     * Reads the list again (once more after a read under way, and not sooner than {@link #MIN_INTERVAL_MS} after the
     * last: a burst of changes costs one read), writing it when it changed.
     */
    void refresh() {
        if (ended) {
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
            if (ended) {
                return;
            }
            if (done.failed()) { // the database is away: the client reconnects and reads again
                close(null);
                return;
            }
            Watching.QueueView view = done.result();
            sessions = view.sessions();
            topics = view.topics();
            Buffer frame = Buffer.buffer("event: queue\ndata: ").appendBuffer(view.json()).appendString("\n\n");
            if (!frame.equals(last)) {
                last = frame;
                if (blocked) {
                    waiting = frame; // only the newest list matters
                } else {
                    write(frame);
                }
            }
            if (again && !ended) {
                again = false;
                refresh();
            }
        });
    }

    private void armTimer() {
        long untilExpiry = expiresAtMs - System.currentTimeMillis();
        boolean expires = untilExpiry <= heartbeatMs;
        timerId = context.owner().setTimer(Math.max(1, expires ? untilExpiry : heartbeatMs), id -> {
            timerId = -1;
            if (ended) {
                return;
            }
            if (expires) {
                close(EventStream.EXPIRED);
            } else {
                write(EventStream.KEEP_ALIVE);
                if (!ended) {
                    armTimer();
                }
            }
        });
    }

    void onContext(Runnable what) {
        context.runOnContext(v -> what.run());
    }

    void stop() {
        close(EventStream.STOPPING);
    }

    void disconnected() {
        finish();
    }

    /**
     * Writes to the client; when its write queue fills, the newest list waits for it to drain, and a client that
     * has not drained it within two heartbeats is disconnected.
     */
    private void write(Buffer data) {
        HttpServerResponse response = ctx.response();
        if (response.closed()) {
            finish();
            return;
        }
        response.write(data);
        if (response.writeQueueFull() && !blocked) {
            blocked = true;
            response.drainHandler(v -> {
                if (ended || !blocked) {
                    return;
                }
                blocked = false;
                if (drainTimerId >= 0) {
                    context.owner().cancelTimer(drainTimerId);
                    drainTimerId = -1;
                }
                if (waiting != null) {
                    Buffer newest = waiting;
                    waiting = null;
                    write(newest);
                }
            });
            drainTimerId = context.owner().setTimer(2 * heartbeatMs, id -> {
                drainTimerId = -1;
                if (blocked) {
                    close(null);
                }
            });
        }
    }

    private void close(Buffer lastWords) {
        if (!finish()) {
            return;
        }
        HttpServerResponse response = ctx.response();
        if (response.closed() || response.ended()) {
            return;
        }
        if (response.writeQueueFull()) {
            ctx.request().connection().close();
        } else if (lastWords != null) {
            response.end(lastWords);
        } else {
            response.end();
        }
    }

    private boolean finish() {
        if (ended) {
            return false;
        }
        ended = true;
        for (long timer : new long[] {timerId, readTimerId, drainTimerId}) {
            if (timer >= 0) {
                context.owner().cancelTimer(timer);
            }
        }
        timerId = -1;
        readTimerId = -1;
        drainTimerId = -1;
        polls.remove(this);
        return true;
    }
}
