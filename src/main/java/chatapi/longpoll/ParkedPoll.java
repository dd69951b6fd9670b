package chatapi.longpoll;

import chatapi.http.Representation;
import chatapi.message.ChatMessage;
import chatapi.message.MessageArray;
import chatapi.message.Parking;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One parked {@code GET …/Messages?after=N}. It ends exactly once, through {@link #finish()}: on an
 * answer, a failure, its timeout or its client's disconnect, and each of those leaves {@link ParkedPolls}
 * the same way. Responses are written on the request's own event loop.
 */
final class ParkedPoll extends PollTimeouts.Expiring implements Delivery.Poll, Parking.Parked {

    final int chatSessionId;
    final int after;
    final Representation representation;
    /** Whose quota of parked requests this one takes (null: nobody's). */
    final Object quota;
    private final RoutingContext ctx;
    private final Context context;
    private final ParkedPolls polls;
    private final AtomicBoolean done = new AtomicBoolean();
    /** Where its timeout is kept (the request's event loop's); null until armed and once it ended. */
    private PollTimeouts timeouts;

    ParkedPoll(ParkedPolls polls, RoutingContext ctx, Context context, int chatSessionId, int after, Object quota) {
        this.polls = polls;
        this.quota = quota;
        this.ctx = ctx;
        this.context = context;
        this.chatSessionId = chatSessionId;
        this.after = after;
        this.representation = Representation.of(ctx);
    }

    @Override
    public int after() {
        return after;
    }

    /** Times this waiter out after {@code timeoutMs} (on the request's event loop, as the timeouts are kept). */
    void armTimer(PollTimeouts loopTimeouts, long timeoutMs) {
        timeouts = loopTimeouts;
        loopTimeouts.add(this, timeoutMs);
    }

    /** Its timeout came (on its event loop): answered with no messages unless it ended otherwise meanwhile. */
    @Override
    public void timedOut() {
        timeouts = null; // no longer kept there
        if (finish()) {
            polls.countTimeout();
            send(MessageArray.encode(java.util.List.of(), representation));
        }
    }

    /** Answers with an encoded JSON array of messages; false when the waiter had already ended. */
    boolean answer(Buffer body) {
        return answer(body, null);
    }

    /**
     * Answers with the messages in this waiter's representation; a body that cannot be written fails this
     * request alone (500), so that nothing else waits on it.
     */
    @Override
    public void answer(java.util.List<ChatMessage> messages) {
        Buffer body;
        try {
            body = MessageArray.encode(messages, representation);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        answer(body);
    }

    /**
     * As {@link #answer(Buffer)}, running {@code beforeSend} (metrics) once this waiter is ended and
     * before the client can see the answer, so that whoever reads the metrics after it finds them.
     */
    boolean answer(Buffer body, Runnable beforeSend) {
        if (!finish()) {
            return false;
        }
        if (beforeSend != null) {
            beforeSend.run();
        }
        send(body);
        return true;
    }

    @Override
    public void fail(Throwable failure) {
        if (finish()) {
            context.runOnContext(v -> {
                cancelTimer();
                ctx.fail(failure);
            });
        }
    }

    /** The client went away (on the request's event loop): nothing to answer, only its entry to drop. */
    void disconnected() {
        if (finish()) {
            cancelTimer();
        }
    }

    /**
     * The single exit: true for the one caller that ends this waiter. Its timeout is dropped afterwards on the
     * request's event loop, where the timeouts are kept; if it comes first, it finds the waiter ended.
     */
    private boolean finish() {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        polls.remove(this);
        return true;
    }

    /** On the request's event loop. */
    private void cancelTimer() {
        if (timeouts != null) {
            timeouts.remove(this);
            timeouts = null;
        }
    }

    private void send(Buffer body) {
        context.runOnContext(v -> {
            cancelTimer();
            if (!ctx.response().closed() && !ctx.response().ended()) {
                ctx.response()
                        .putHeader("Content-Type", representation.contentType())
                        .end(body);
            }
        });
    }
}
