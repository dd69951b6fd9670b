package chatapi.chat;

import chatapi.http.ApiException;
import chatapi.http.Json;
import chatapi.http.Links;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneOffset;

/** GET /api/v1/ChatSession/{id}. */
public final class ChatSessionHandler {

    /** Until authentication and rights land, every caller is treated as an agent with full rights. */
    private static final CarrierJson.Rendering AGENT_UTC = new CarrierJson.Rendering("FULL", ZoneOffset.UTC);

    private final ChatRepository repository;
    private final Links links;

    public ChatSessionHandler(ChatRepository repository, Links links) {
        this.repository = repository;
        this.links = links;
    }

    public void get(RoutingContext ctx) {
        int id = SessionIds.of(ctx);
        repository.findSession(id)
                .map(found -> found.orElseThrow(() -> ApiException.notFound("ChatSession " + id + " not found")))
                .onSuccess(entity -> Json.send(ctx, 200, g -> entity.writeTo(g, AGENT_UTC, links.baseUrl(ctx))))
                .onFailure(ctx::fail);
    }
}
