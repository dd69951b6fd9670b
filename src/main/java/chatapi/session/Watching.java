package chatapi.session;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Where a GET of a session with {@code If-None-Match} and {@code wait=S} waits for the session to change. The
 * long-poll's registry ({@code longpoll/ParkedPolls}) implements it, woken by the session's notifications, so
 * that the session feature knows only this interface (the long-poll depends on the sessions, not the other
 * way round).
 */
public interface Watching {

    /**
     * Registers the wait before the caller's first read, so that a change committed while that read runs still
     * ends it. {@code done} runs once on the request's context: {@code true} when the session's ETag (as an agent
     * or its customer sees it) is no longer one of {@code etags}, or it was deleted; {@code false} when the wait
     * ended first (or the server drains). Null while the server drains; throws 429/503 at the caps of parked
     * requests, which this wait counts in.
     */
    Watch watch(RoutingContext ctx, int chatSessionId, Set<String> etags, boolean agent, long timeoutMs,
            Handler<Boolean> done);

    /**
     * Opens an agent's queue as an event stream: {@code read} gives the list (and what it follows) whenever it may
     * have changed. Counted as a parked request; throws 429/503 at the caps. While the server drains, the stream
     * opens and ends at once.
     */
    void queue(RoutingContext ctx, long expiresAtMs, java.util.function.Supplier<io.vertx.core.Future<QueueView>> read);

    /**
     * An agent's queue as read: the list as JSON, the sessions in it, those of them waiting in the queue (whose
     * messages change the list: FirstMessage, LastMessage), and the topics whose queues it follows.
     */
    record QueueView(io.vertx.core.buffer.Buffer json, Set<Integer> sessions, Set<Integer> waiting, Set<Integer> topics) {
    }

    /** A registered wait. */
    interface Watch {

        /** Ends the wait without calling its handler; false when it had ended already. */
        boolean cancel();
    }
}
