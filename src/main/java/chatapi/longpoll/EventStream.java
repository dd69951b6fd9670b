package chatapi.longpoll;

import chatapi.http.ApiException;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneId;

/**
 * One open {@code text/event-stream} of a session's messages and session events. All its state lives on its own
 * event loop: {@link #after} only grows, every message is written once and in id order. It first catches up
 * with its own reads (a page at a time, on the request's connection pool: one client far behind costs the
 * shared wake-up nothing), its headers going out with the first, which also tells that the session exists
 * (else 404); then it {@link #joined joins} the wake-up of {@link ParkedPolls}' home context, which feeds it in
 * order through its event loop.
 *
 * <p>It ends exactly once ({@link SseResponse#finish()}): when the client leaves, when its credential expires, when
 * the session is deleted ({@code event: deleted}), on SIGTERM (after a comment), or when the client stops
 * reading ({@link SseResponse}); while its write queue is full, it reads no further page.
 */
final class EventStream {

    final int chatSessionId;
    final Object quota;
    final ZoneId zone;
    /** The last message id written (or the one the client said it had): read by the home context. */
    volatile int after;
    /** Caught up: from now on fed by the home context's wake-up (which ignores it before). */
    volatile boolean joined;
    private final RoutingContext ctx;
    private final ParkedPolls polls;
    private final SseResponse sse;
    private final Context context;
    private final java.util.function.IntFunction<io.vertx.core.Future<java.util.Optional<chatapi.message.MessageStore.Page>>> reader;
    // Confined to the stream's context.
    /** The last session event written, or the one to write when the stream opens. */
    private Buffer state;
    private boolean stateWritten;
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
        this.sse = new SseResponse(ctx, context, heartbeatMs, expiresAtMs, () -> polls.remove(this));
        sse.onDrained(() -> {
            if (catchUpWaiting) {
                catchUpWaiting = false;
                catchUp();
            }
        });
    }

    /**
     * Reads the next page after {@link #after} and writes it; again while pages come back full (once the client
     * has read the last, when its write queue filled); then joins the wake-up and asks it for one read, which
     * covers whatever was committed since the last page. Runs on the stream's context.
     */
    void catchUp() {
        reader.apply(after).onComplete(read -> {
            if (sse.ended()) {
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
            if (sse.ended()) {
                return;
            }
            if (page.full() && sse.blocked()) {
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
        if (sse.ended()) {
            return;
        }
        if (queriedAfter > after) {
            polls.fetch(chatSessionId);
            return;
        }
        offerFrames(frames);
        if (full && !sse.ended()) { // more may follow the page's last message
            polls.fetch(chatSessionId);
        }
    }

    /** Writes the frames newer than {@link #after} (opening the stream first if it has not opened). */
    private void offerFrames(Frames frames) {
        if (!sse.started()) {
            start();
        }
        int written = 0;
        for (int i = 0; i < frames.ids().length && !sse.ended(); i++) {
            if (frames.ids()[i] > after) {
                after = frames.ids()[i];
                written++;
                sse.write(frames.frames()[i]);
            }
        }
        polls.countStreamed(written);
    }

    private void start() {
        sse.open();
        if (state != null) {
            stateWritten = true;
            sse.write(state);
        }
    }

    /**
     * An {@code event: session} frame: written unless it says what the last one said (kept for the opening when
     * the stream has not opened yet). Runs on the stream's context.
     */
    void offerState(Buffer frame) {
        if (sse.ended() || (stateWritten && frame.equals(state))) {
            return;
        }
        state = frame;
        if (sse.started()) {
            stateWritten = true;
            sse.write(frame);
        }
    }

    /** The session was deleted: {@code event: deleted}, then the end; a 404 if the stream had not opened yet. */
    void deleted(Buffer event) {
        if (sse.ended()) {
            return;
        }
        if (sse.started()) {
            sse.close(event);
        } else if (sse.finish()) {
            ctx.fail(ApiException.notFound("session.notFound", chatSessionId));
        }
    }

    /** SIGTERM: a last comment and the end (an opened stream); a stream not opened yet just ends. */
    void stop() {
        if (sse.ended()) {
            return;
        }
        if (!sse.started()) {
            start();
        }
        sse.close(SseResponse.STOPPING);
    }

    /** A failure before the stream opened is the request's (a 500); after, the stream just ends. */
    void fail(Throwable failure) {
        if (sse.ended()) {
            return;
        }
        if (sse.started()) {
            sse.close(null);
        } else if (sse.finish()) {
            ctx.fail(failure);
        }
    }

    /** The client went away. */
    void disconnected() {
        sse.finish();
    }

    /** Messages as event-stream frames, in one zone: {@code ids[i]} is the message of {@code frames[i]}. */
    record Frames(int[] ids, Buffer[] frames) {
    }
}
