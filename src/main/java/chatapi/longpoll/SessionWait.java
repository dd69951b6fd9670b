package chatapi.longpoll;

import chatapi.session.SessionState;
import chatapi.session.Watching;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A GET of a session parked until its ETag changes ({@link Watching}). It ends exactly once: changed, its time
 * out, its client gone, or cancelled by the request that found a change itself.
 */
final class SessionWait implements Watching.Watch {

    final int chatSessionId;
    final Object quota;
    private final Set<String> etags;
    private final boolean agent;
    private final ParkedPolls polls;
    private final Context context;
    private final Handler<Boolean> done;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long timerId = -1;

    SessionWait(ParkedPolls polls, Context context, int chatSessionId, Set<String> etags, boolean agent, Object quota,
            Handler<Boolean> done) {
        this.polls = polls;
        this.context = context;
        this.chatSessionId = chatSessionId;
        this.etags = etags;
        this.agent = agent;
        this.quota = quota;
        this.done = done;
    }

    void armTimer(long timeoutMs) {
        timerId = context.owner().setTimer(timeoutMs, id -> end(false));
    }

    /** A state read by the home context (null: the session is gone). */
    void offer(SessionState state) {
        if (state == null || !etags.contains(state.etag(agent))) {
            end(true);
        }
    }

    /** Ends the wait and calls its handler on the request's context. */
    void end(boolean changed) {
        if (finish()) {
            context.runOnContext(v -> done.handle(changed));
        }
    }

    @Override
    public boolean cancel() {
        return finish();
    }

    private boolean finish() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        long timer = timerId;
        if (timer >= 0) {
            context.owner().cancelTimer(timer);
        }
        polls.remove(this);
        return true;
    }
}
