package chatapi.chat;

import chatapi.http.ApiException;
import chatapi.http.Json;
import chatapi.http.Params;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/** GET /api/v1/ChatSession/{id}/Messages[?after=N]. */
public final class MessagesHandler {

    private final ChatRepository repository;

    public MessagesHandler(ChatRepository repository) {
        this.repository = repository;
    }

    public void list(RoutingContext ctx) {
        int id = SessionIds.of(ctx);
        String rawAfter = Params.singleQueryParam(ctx, "after");
        int after = rawAfter == null ? 0 : Params.int32("after", rawAfter, 0);
        repository.messagesAfter(id, after)
                .map(found -> found.orElseThrow(() -> ApiException.notFound("ChatSession " + id + " not found")))
                .onSuccess(messages -> Json.send(ctx, 200, g -> writeArray(g, messages, ZoneOffset.UTC)))
                .onFailure(ctx::fail);
    }

    static void writeArray(com.fasterxml.jackson.core.JsonGenerator g, List<ChatMessage> messages, ZoneId zone)
            throws java.io.IOException {
        g.writeStartArray();
        for (ChatMessage m : messages) {
            m.writeTo(g, zone);
        }
        g.writeEndArray();
    }
}
