package chatapi.message;

import chatapi.auth.Principal;
import chatapi.http.ApiException;
import chatapi.http.Bodies;
import chatapi.http.Compression;
import chatapi.http.Json;
import chatapi.http.Negotiation;
import chatapi.http.Params;
import chatapi.http.PathIds;
import chatapi.http.Representation;
import chatapi.http.Respond;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/**
 * GET /api/v1/ChatSession/{id}/Messages[?after=N[&wait=S]]: answers at once when there are messages
 * newer than N (or without after, or with wait=0); otherwise parks the request ({@link Parking}, the long-poll).
 * With {@code Accept: text/event-stream} it opens a stream of them instead ({@link Parking#stream}).
 */
public final class MessagesHandler {

    private final MessageStore store;
    private final Parking parking;
    private final int defaultWaitSeconds;

    public MessagesHandler(MessageStore store, Parking parking, int defaultWaitSeconds) {
        this.store = store;
        this.parking = parking;
        this.defaultWaitSeconds = defaultWaitSeconds;
    }

    public void list(RoutingContext ctx) {
        int id = PathIds.of(ctx);
        String rawAfter = Params.singleQueryParam(ctx, "after");
        int after = rawAfter == null ? 0 : Params.int32("after", rawAfter, 0);
        Principal caller = Principal.of(ctx);
        long waitMs = Math.min(Params.waitSeconds(ctx, defaultWaitSeconds) * 1000L, caller.millisUntilExpiry());
        if (Negotiation.eventStream(ctx)) {
            // An EventSource that reconnects says where it was: that wins over the after it was opened with.
            String lastEventId = ctx.request().getHeader("Last-Event-ID");
            int from = lastEventId == null || lastEventId.isBlank() ? after
                    : Params.int32("Last-Event-ID", lastEventId.trim(), 0);
            parking.stream(ctx, id, from, caller.expiresAtMillis(), since -> store.page(id, since));
            return;
        }
        Parking.Parked waiter = rawAfter == null || waitMs == 0 ? null : parking.park(ctx, id, after, waitMs);
        if (waiter == null) {
            var body = store.messagesAfter(id, after).map(found -> MessageArray.encode(found.orElseThrow(() -> notFound(id)),
                    Representation.of(ctx)));
            Respond.with(ctx, body, encoded -> send(ctx, encoded));
            return;
        }
        parking.look(id, after, () -> store.messagesAfter(id, after)).onSuccess(found -> {
            if (found.isEmpty()) {
                waiter.fail(notFound(id));
            } else if (!found.get().isEmpty()) {
                waiter.answer(found.get());
            }
        }).onFailure(waiter::fail);
    }

    /** POST …/Messages: stores the message; the insert trigger's NOTIFY wakes the parked polls everywhere. */
    public void post(RoutingContext ctx) {
        int id = PathIds.of(ctx);
        NewChatMessage message = Bodies.read(ctx, NewChatMessage.class).validated();
        if (!Principal.of(ctx).isAgent()
                && (message.type() != MessageType.ToUser || message.specialType() != SpecialType.None)) {
            // A customer writes to the agent; posting as the agent or as the system is not theirs to do.
            throw new ApiException(403, "Forbidden", "message.customerType");
        }
        boolean customer = !Principal.of(ctx).isAgent();
        var stored = store.insertMessage(id, message, customer).compose(found -> found.isPresent() || !customer
                ? Future.succeededFuture(found.orElseThrow(() -> notFound(id)))
                : store.hasEnded(id).map(ended -> { // a customer's message was refused: say why
                    if (ended.isPresent() && ended.get()) {
                        throw new ApiException(409, "Conflict", "message.chatEnded", id);
                    }
                    throw notFound(id);
                }));
        Respond.with(ctx, stored, m -> Json.send(ctx, 200, "ChatMessage", g -> m.writeTo(g, Representation.of(ctx).zone())));
    }

    private static ApiException notFound(int id) {
        return ApiException.notFound("session.notFound", id);
    }

    private static void send(RoutingContext ctx, Buffer body) {
        ctx.response().putHeader("Content-Type", Representation.of(ctx).contentType());
        Compression.end(ctx, body);
    }
}
