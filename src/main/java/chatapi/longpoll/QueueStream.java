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

    /** Reads the list again (once more after a read under way), writing it when it changed. */
    void refresh() {
        if (ended) {
            return;
        }
        if (reading) {
            again = true;
            return;
        }
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
                write(frame);
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

    private void write(Buffer data) {
        HttpServerResponse response = ctx.response();
        if (response.closed()) {
            finish();
            return;
        }
        response.write(data);
        if (response.writeQueueFull()) {
            close(null);
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
        if (timerId >= 0) {
            context.owner().cancelTimer(timerId);
            timerId = -1;
        }
        polls.remove(this);
        return true;
    }
}
