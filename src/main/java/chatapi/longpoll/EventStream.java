package chatapi.longpoll;

import chatapi.http.ApiException;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;

/**
 * One open {@code text/event-stream} of a session's messages (and, later, its session events). It is fed only
 * from {@link ParkedPolls}' home context, in order, through its own event loop, where all its state lives:
 * {@link #after} only grows, every message is written once and in id order. Its headers go out with the first
 * offer, which tells that the session exists; before that, a deleted session fails the request (404).
 *
 * <p>It ends exactly once ({@link #finish()}): when the client leaves, when its credential expires, when the
 * session is deleted ({@code event: deleted}), on SIGTERM (after a comment), or when the client stops reading
 * (its connection is closed rather than let the write queue grow; an EventSource reconnects and resumes).
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
    private final RoutingContext ctx;
    private final Context context;
    private final ParkedPolls polls;
    private final long heartbeatMs;
    private final long expiresAtMs;
    // Confined to the stream's context.
    private boolean started;
    private boolean ended;
    /** The last session event written, or the one to write when the stream opens. */
    private Buffer state;
    private boolean stateWritten;
    private long timerId = -1;

    EventStream(ParkedPolls polls, RoutingContext ctx, Context context, int chatSessionId, int after, ZoneId zone,
            Object quota, long heartbeatMs, long expiresAtMs) {
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
        if (!started) {
            start();
        }
        HttpServerResponse response = ctx.response();
        int written = 0;
        for (int i = 0; i < frames.ids().length; i++) {
            if (frames.ids()[i] > after) {
                response.write(frames.frames()[i]);
                after = frames.ids()[i];
                written++;
            }
        }
        polls.countStreamed(written);
        if (full) { // more may follow the page's last message
            polls.fetch(chatSessionId);
        }
        if (response.writeQueueFull()) { // the client does not read: let it reconnect rather than buffer for it
            close(null);
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
        if (state != null) {
            ctx.response().write(state);
            stateWritten = true;
        }
        armTimer();
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
            ctx.response().write(frame);
            stateWritten = true;
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
                ctx.response().write(KEEP_ALIVE);
                armTimer();
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
