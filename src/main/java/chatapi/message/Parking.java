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

    /**
     * Opens a Server-Sent Events stream of the session's messages newer than {@code after}: registered before
     * anything is read, so that nothing committed from now on is missed. The stream catches up with its own
     * reads ({@code reader}, a page after an id; empty when the session does not exist: the request fails 404),
     * its headers going out with the first, and joins the shared wake-up once it has caught up. While the
     * server drains, the stream opens and ends at once (the client reconnects elsewhere). Throws as
     * {@link #park} does at the caps, which count streams and parked requests together.
     *
     * @param expiresAtMs when the caller's credential expires (epoch milliseconds; the stream ends then), or
     *                    {@link Long#MAX_VALUE}
     */
    void stream(RoutingContext ctx, int chatSessionId, int after, long expiresAtMs,
            java.util.function.IntFunction<io.vertx.core.Future<java.util.Optional<MessageStore.Page>>> reader);

    /** A parked request. It ends once: with messages, a failure, its timeout or its client leaving. */
    interface Parked {

        /** Answers with the messages in the request's representation (when it has not ended yet). */
        void answer(List<ChatMessage> messages);

        /** Fails the request (when it has not ended yet). */
        void fail(Throwable failure);
    }

    /**
     * A parked request's first look at the table: {@code query}'s answer (empty when the session does not exist),
     * or an empty list without any query when nothing newer than {@code after} was committed, as this instance
     * knows.
     */
    io.vertx.core.Future<java.util.Optional<List<ChatMessage>>> look(int chatSessionId, int after,
            java.util.function.Supplier<io.vertx.core.Future<java.util.Optional<List<ChatMessage>>>> query);
}
