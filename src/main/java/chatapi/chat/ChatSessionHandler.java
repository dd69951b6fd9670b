package chatapi.chat;

import chatapi.http.ApiException;
import chatapi.http.Bodies;
import chatapi.http.Json;
import chatapi.http.Links;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneOffset;

/** GET /api/v1/ChatSession/{id} and POST /api/v1/ChatSession. */
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
                .onSuccess(entity -> send(ctx, entity))
                .onFailure(ctx::fail);
    }

    /** POST /api/v1/ChatSession: a new session in the queue, answered as GET would answer it. */
    public void create(RoutingContext ctx) {
        NewChatSession session = Bodies.read(ctx, NewChatSession.class)
                .validated(ctx.request().remoteAddress().hostAddress());
        repository.insertSession(session, SessionKeys.next())
                .map(id -> id.orElseThrow(() -> ApiException.badRequest(
                        "TopicId " + session.topicId() + " does not exist")))
                .compose(repository::findSession)
                .map(found -> found.orElseThrow(() -> new IllegalStateException("the new session vanished")))
                .onSuccess(entity -> send(ctx, entity))
                .onFailure(ctx::fail);
    }

    private void send(RoutingContext ctx, ChatSessionEntity entity) {
        Json.send(ctx, 200, g -> entity.writeTo(g, AGENT_UTC, links.baseUrl(ctx)));
    }
}
