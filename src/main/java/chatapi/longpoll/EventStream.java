package chatapi.longpoll;

import chatapi.http.ApiException;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;

/**
 * One open {@code text/event-stream} of a session's messages and session events. All its state lives on its own
 * event loop: {@link #after} only grows, every message is written once and in id order. It first catches up
 * with its own reads (a page at a time, on the request's connection pool: one client far behind costs the
 * shared wake-up nothing), its headers going out with the first, which also tells that the session exists
 * (else 404); then it {@link #joined joins} the wake-up of {@link ParkedPolls}' home context, which feeds it in
 * order through its event loop.
 *
 * <p>It ends exactly once ({@link #finish()}): when the client leaves, when its credential expires, when the
 * session is deleted ({@code event: deleted}), on SIGTERM (after a comment), or when the client stops reading
 * (a write queue still full after two heartbeats: its connection is closed rather than let the queue grow; an
 * EventSource reconnects and resumes).
 */
final class EventStream {

    static final Buffer OPENING = ascii("retry: 1000\n\n");
    static final Buffer KEEP_ALIVE = ascii(": keep-alive\n\n");
    static final Buffer STOPPING = ascii(": server stopping, reconnect\n\n");
    static final Buffer EXPIRED = ascii(": credential expired\n\n");

    final int chatSessionId;
    final Object quota;
    final ZoneId zone;
    /** The last message id written (or the one the client said it had): read by the home context. */
    volatile int after;
    /** Caught up: from now on fed by the home context's wake-up (which ignores it before). */
    volatile boolean joined;
    private final RoutingContext ctx;
    private final Context context;
    private final ParkedPolls polls;
    private final long heartbeatMs;
    private final long expiresAtMs;
    private final java.util.function.IntFunction<io.vertx.core.Future<java.util.Optional<chatapi.message.MessageStore.Page>>> reader;
    // Confined to the stream's context.
    private boolean started;
    private boolean ended;
    /** The last session event written, or the one to write when the stream opens. */
    private Buffer state;
    private boolean stateWritten;
    private long timerId = -1;
    /** The connection's write queue is full: nothing more is read for the client until it drains. */
    private boolean blocked;
    private long drainTimerId = -1;
    /** A catch-up page waits for the write queue to drain. */
    private boolean catchUpWaiting;

    EventStream(ParkedPolls polls, RoutingContext ctx, Context context, int chatSessionId, int after, ZoneId zone,
            Object quota, long heartbeatMs, long expiresAtMs,
            java.util.function.IntFunction<io.vertx.core.Future<java.util.Optional<chatapi.message.MessageStore.Page>>> reader) {
        this.reader = reader;
        this.polls = polls;
        this.ctx = ctx;
        this.context = context;
        this.chatSessionId = chatSessionId;
        this.after = after;
        this.zone = zone;
        this.quota = quota;
        this.heartbeatMs = heartbeatMs;
        this.expiresAtMs = expiresAtMs;
    }

    /**
     * Reads the next page after {@link #after} and writes it; again while pages come back full; then joins the
     * wake-up and asks it for one read, which covers whatever was committed since the last page. Runs on the
     * stream's context.
     */
    void catchUp() {
        reader.apply(after).onComplete(read -> {
            if (ended) {
                return;
            }
            if (read.failed()) {
                fail(read.cause());
                return;
            }
            if (read.result().isEmpty()) { // the session does not exist (or was just deleted)
                deleted(ParkedPolls.deletedEvent(chatSessionId));
                return;
            }
            chatapi.message.MessageStore.Page page = read.result().get();
            Frames frames;
            try {
                frames = ParkedPolls.frames(page.messages(), zone);
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            offerFrames(frames);
            if (ended) {
                return;
            }
            if (page.full() && blocked) {
                catchUpWaiting = true; // the next page once the client has read this one
            } else if (page.full()) {
                catchUp();
            } else {
                joined = true;
                polls.fetch(chatSessionId);
            }
        });
    }

    /** Called on the home context: runs {@code what} on this stream's own event loop. */
    void onContext(Runnable what) {
        context.runOnContext(v -> what.run());
    }

    /**
     * The messages read from {@code queriedAfter} (their frames in this stream's zone, ascending ids), the
     * page {@code full} or not. A stream that is behind the query (it joined with an older {@code after} while
     * the query ran) takes nothing from it and asks for its own read, so that it never skips a message.
     * Runs on the stream's context.
     */
    void offer(Frames frames, int queriedAfter, boolean full) {
        if (ended) {
            return;
        }
        if (queriedAfter > after) {
            polls.fetch(chatSessionId);
            return;
        }
        offerFrames(frames);
        if (full && !ended) { // more may follow the page's last message
            polls.fetch(chatSessionId);
        }
    }

    /** Writes the frames newer than {@link #after} (opening the stream first if it has not opened). */
    private void offerFrames(Frames frames) {
        if (!started) {
            start();
        }
        int written = 0;
        for (int i = 0; i < frames.ids().length && !ended; i++) {
            if (frames.ids()[i] > after) {
                after = frames.ids()[i];
                written++;
                write(frames.frames()[i]);
            }
        }
        polls.countStreamed(written);
    }

    /**
     * Writes to the client. When the connection's write queue fills, no further page is read for it until it
     * drains; a client that has not drained it within two heartbeats does not read, and is disconnected (an
     * EventSource reconnects and resumes) rather than buffered for.
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
            response.drainHandler(v -> drained());
            drainTimerId = context.owner().setTimer(2 * heartbeatMs, id -> {
                drainTimerId = -1;
                if (blocked) {
                    close(null);
                }
            });
        }
    }

    private void drained() {
        if (ended || !blocked) {
            return;
        }
        blocked = false;
        if (drainTimerId >= 0) {
            context.owner().cancelTimer(drainTimerId);
            drainTimerId = -1;
        }
        if (catchUpWaiting) {
            catchUpWaiting = false;
            catchUp();
        }
    }

    private void start() {
        started = true;
        ctx.response()
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no")
                .write(OPENING);
        armTimer();
        if (state != null) {
            stateWritten = true;
            write(state);
        }
    }

    /**
     * An {@code event: session} frame: written unless it says what the last one said (kept for the opening when
     * the stream has not opened yet). Runs on the stream's context.
     */
    void offerState(Buffer frame) {
        if (ended || (stateWritten && frame.equals(state))) {
            return;
        }
        state = frame;
        if (started) {
            stateWritten = true;
            write(frame);
        }
    }

    /** A comment every heartbeat so that proxies keep an idle stream; the end when the credential expires. */
    private void armTimer() {
        long untilExpiry = expiresAtMs - System.currentTimeMillis();
        boolean expires = untilExpiry <= heartbeatMs;
        timerId = context.owner().setTimer(Math.max(1, expires ? untilExpiry : heartbeatMs), id -> {
            timerId = -1;
            if (ended) {
                return;
            }
            if (expires) {
                close(EXPIRED);
            } else {
                write(KEEP_ALIVE);
                if (!ended) {
                    armTimer();
                }
            }
        });
    }

    /** The session was deleted: {@code event: deleted}, then the end; a 404 if the stream had not opened yet. */
    void deleted(Buffer event) {
        if (ended) {
            return;
        }
        if (started) {
            close(event);
        } else if (finish()) {
            ctx.fail(ApiException.notFound("session.notFound", chatSessionId));
        }
    }

    /** SIGTERM: a last comment and the end (an opened stream); a stream not opened yet just ends. */
    void stop() {
        if (ended) {
            return;
        }
        if (!started) {
            start();
        }
        close(STOPPING);
    }

    /** A failure before the stream opened is the request's (a 500); after, the stream just ends. */
    void fail(Throwable failure) {
        if (ended) {
            return;
        }
        if (started) {
            close(null);
        } else if (finish()) {
            ctx.fail(failure);
        }
    }

    /** The client went away. */
    void disconnected() {
        finish();
    }

    /** Writes {@code last} (when given) and ends the response; a client that stopped reading loses its connection. */
    private void close(Buffer last) {
        if (!finish()) {
            return;
        }
        HttpServerResponse response = ctx.response();
        if (response.closed() || response.ended()) {
            return;
        }
        if (response.writeQueueFull()) {
            ctx.request().connection().close();
        } else if (last != null) {
            response.end(last);
        } else {
            response.end();
        }
    }

    /** The single exit: true for the one caller that ends this stream. */
    private boolean finish() {
        if (ended) {
            return false;
        }
        ended = true;
        if (timerId >= 0) {
            context.owner().cancelTimer(timerId);
            timerId = -1;
        }
        if (drainTimerId >= 0) {
            context.owner().cancelTimer(drainTimerId);
            drainTimerId = -1;
        }
        polls.remove(this);
        return true;
    }

    private static Buffer ascii(String text) {
        return Buffer.buffer(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Messages as event-stream frames, in one zone: {@code ids[i]} is the message of {@code frames[i]}. */
    record Frames(int[] ids, Buffer[] frames) {
    }
}
