package chatapi.message;

import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Where a poll that finds nothing new waits for a message. The long-poll's registry
 * ({@code longpoll/ParkedPolls}) implements it; the messages handler knows only this, so that the long-poll
 * depends on the messages (it reads and writes them) and not the other way round.
 */
public interface Parking {

    /**
     * Parks the request before its first look at the table, so that a message committed while that look runs
     * still wakes it. Null while the server drains (the caller answers without parking); throws a 429 when the
     * caller's credential has its most parked requests, a 503 when the instance has.
     */
    Parked park(RoutingContext ctx, int chatSessionId, int after, long timeoutMs);

    /** A parked request. It ends once: with messages, a failure, its timeout or its client leaving. */
    interface Parked {

        /** Answers with the messages in the request's representation (when it has not ended yet). */
        void answer(List<ChatMessage> messages);

        /** Fails the request (when it has not ended yet). */
        void fail(Throwable failure);
    }
}
