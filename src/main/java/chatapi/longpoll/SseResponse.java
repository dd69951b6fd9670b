package chatapi.longpoll;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/**
 * The response of a {@code text/event-stream}, as every stream here writes it: the headers and a {@code retry:}
 * when it opens, a {@code : keep-alive} comment every heartbeat, the end when the credential expires, and writes
 * that respect the client's pace: when the connection's write queue is full, {@link #blocked()} says so until it
 * drains (the stream then holds back what it would read or write next), and a client that has not drained it
 * within two heartbeats is disconnected (an EventSource reconnects and resumes). It ends exactly once
 * ({@link #finish()}), telling its stream. Confined to the request's event loop.
 */
final class SseResponse {

    static final Buffer OPENING = ascii("retry: 1000\n\n");
    static final Buffer KEEP_ALIVE = ascii(": keep-alive\n\n");
    static final Buffer STOPPING = ascii(": server stopping, reconnect\n\n");
    static final Buffer EXPIRED = ascii(": credential expired\n\n");

    private final RoutingContext ctx;
    private final Context context;
    private final long heartbeatMs;
    private final long expiresAtMs;
    private final Runnable onEnd;
    private Runnable onDrained = () -> { };
    private boolean started;
    private boolean ended;
    private boolean blocked;
    private long timerId = -1;
    private long drainTimerId = -1;

    /** @param onEnd told once, when the stream ends (however it ends) */
    SseResponse(RoutingContext ctx, Context context, long heartbeatMs, long expiresAtMs, Runnable onEnd) {
        this.ctx = ctx;
        this.context = context;
        this.heartbeatMs = heartbeatMs;
        this.expiresAtMs = expiresAtMs;
        this.onEnd = onEnd;
    }

    /** What to do once a full write queue has drained. */
    void onDrained(Runnable action) {
        this.onDrained = action;
    }

    boolean started() {
        return started;
    }

    boolean ended() {
        return ended;
    }

    boolean blocked() {
        return blocked;
    }

    /** Sends the headers and {@code retry:}, and starts the heartbeat. */
    void open() {
        started = true;
        ctx.response().setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no")
                .write(OPENING);
        armTimer();
    }

    /** Writes to the client, noting a full write queue (see the class). */
    void write(Buffer data) {
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
        cancel(drainTimerId);
        drainTimerId = -1;
        onDrained.run();
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

    /** Ends the stream: writes {@code last} (when given) and ends the response; a client that stopped reading loses its connection. */
    void close(Buffer last) {
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

    /** The single exit: true for the one caller that ends the stream. */
    boolean finish() {
        if (ended) {
            return false;
        }
        ended = true;
        cancel(timerId);
        cancel(drainTimerId);
        timerId = -1;
        drainTimerId = -1;
        onEnd.run();
        return true;
    }

    private void cancel(long timer) {
        if (timer >= 0) {
            context.owner().cancelTimer(timer);
        }
    }

    private static Buffer ascii(String text) {
        return Buffer.buffer(text.getBytes(StandardCharsets.US_ASCII));
    }
}
