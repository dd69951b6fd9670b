package chatapi.chat;

import chatapi.auth.Principal;
import chatapi.http.ApiException;
import chatapi.http.Bodies;
import chatapi.http.Json;
import chatapi.http.Params;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * GET /api/v1/ChatSession/{id}/Messages[?after=N[&wait=S]]: answers at once when there are messages
 * newer than N (or without after, or with wait=0); otherwise parks the request in {@link LongPoll}.
 */
public final class MessagesHandler {

    /** Longest wait a client may ask for, in seconds. */
    public static final int MAX_WAIT_SECONDS = 120;

    private final ChatRepository repository;
    private final LongPoll longPoll;
    private final long defaultWaitMs;

    public MessagesHandler(ChatRepository repository, LongPoll longPoll, int defaultWaitSeconds) {
        this.repository = repository;
        this.longPoll = longPoll;
        this.defaultWaitMs = defaultWaitSeconds * 1000L;
    }

    public void list(RoutingContext ctx) {
        int id = SessionIds.of(ctx);
        String rawAfter = Params.singleQueryParam(ctx, "after");
        int after = rawAfter == null ? 0 : Params.int32("after", rawAfter, 0);
        long waitMs = Math.min(waitMs(ctx), untilExpiry(ctx));
        Waiter waiter = rawAfter == null || waitMs == 0 ? null : longPoll.park(ctx, id, after, waitMs);
        Future<Optional<List<ChatMessage>>> look = repository.messagesAfter(id, after);
        if (waiter == null) {
            look.map(found -> found.orElseThrow(() -> notFound(id)))
                    .onSuccess(messages -> send(ctx, encode(messages)))
                    .onFailure(ctx::fail);
            return;
        }
        look.onSuccess(found -> {
            if (found.isEmpty()) {
                waiter.fail(notFound(id));
            } else if (!found.get().isEmpty()) {
                waiter.answer(encode(found.get()));
            }
        }).onFailure(waiter::fail);
    }

    /** POST …/Messages: stores the message; the insert trigger's NOTIFY wakes the parked polls everywhere. */
    public void post(RoutingContext ctx) {
        int id = SessionIds.of(ctx);
        NewChatMessage message = Bodies.read(ctx, NewChatMessage.class).validated();
        repository.insertMessage(id, message)
                .map(stored -> stored.orElseThrow(() -> notFound(id)))
                .onSuccess(stored -> Json.send(ctx, 200, g -> stored.writeTo(g, ZoneOffset.UTC)))
                .onFailure(ctx::fail);
    }

    private long waitMs(RoutingContext ctx) {
        String raw = Params.singleQueryParam(ctx, "wait");
        if (raw == null) {
            return defaultWaitMs;
        }
        int seconds = Params.int32("wait", raw, 0);
        if (seconds > MAX_WAIT_SECONDS) {
            throw ApiException.badRequest("'wait' must be an integer from 0 to " + MAX_WAIT_SECONDS
                    + ", not '" + raw + "'");
        }
        return seconds * 1000L;
    }

    /** A poll never outlives its credential: a token or ticket that expires ends the wait with it. */
    private static long untilExpiry(RoutingContext ctx) {
        Principal principal = Principal.of(ctx);
        if (principal == null || principal.expiresAt() == null) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, principal.expiresAt().toEpochMilli() - System.currentTimeMillis());
    }

    private static ApiException notFound(int id) {
        return ApiException.notFound("ChatSession " + id + " not found");
    }

    private static void send(RoutingContext ctx, byte[] body) {
        ctx.response().putHeader("Content-Type", Json.CONTENT_TYPE).end(io.vertx.core.buffer.Buffer.buffer(body));
    }

    /** The tail of {@code messages} (ascending ids) with ids greater than {@code after}. */
    static List<ChatMessage> newerThan(List<ChatMessage> messages, int after) {
        int low = 0;
        int high = messages.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (messages.get(mid).chatMessageId() <= after) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return messages.subList(low, messages.size());
    }

    /** A JSON array of messages, date-times in UTC. */
    static byte[] encode(List<ChatMessage> messages) {
        return Json.bytes(g -> {
            g.writeStartArray();
            for (ChatMessage m : messages) {
                m.writeTo(g, ZoneOffset.UTC);
            }
            g.writeEndArray();
        });
    }
}
