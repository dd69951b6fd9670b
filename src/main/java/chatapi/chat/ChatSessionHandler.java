package chatapi.chat;

import chatapi.auth.Principal;
import chatapi.http.ApiException;
import chatapi.http.Params;
import chatapi.http.Representation;
import chatapi.http.Bodies;
import chatapi.http.Json;
import chatapi.http.Links;
import io.vertx.ext.web.RoutingContext;

/** GET /api/v1/ChatSession/{id} and POST /api/v1/ChatSession. */
public final class ChatSessionHandler {

    private final ChatRepository repository;
    private final Links links;

    public ChatSessionHandler(ChatRepository repository, Links links) {
        this.repository = repository;
        this.links = links;
    }

    public void get(RoutingContext ctx) {
        int id = SessionIds.of(ctx);
        Select select = Select.parse(Params.singleQueryParam(ctx, "$select"), Carrier.CHAT_SESSION);
        repository.findSession(id, select)
                .map(found -> found.orElseThrow(() -> ApiException.notFound("session.notFound", id)))
                .onSuccess(entity -> send(ctx, entity, select))
                .onFailure(ctx::fail);
    }

    /** GET /api/v1/ChatSession/default: an unsaved session with its defaults (id 0), for a client to fill in. */
    public void defaultEntity(RoutingContext ctx) {
        Select select = Select.parse(Params.singleQueryParam(ctx, "$select"), Carrier.CHAT_SESSION);
        repository.defaultSession().onSuccess(entity -> send(ctx, entity, select)).onFailure(ctx::fail);
    }

    /**
     * PUT /api/v1/ChatSession/{id}: replaces the session's writable properties with the body's (what the body
     * leaves out takes its default; TopicId is required), answered as GET would answer it; 404 when absent.
     */
    public void put(RoutingContext ctx) {
        int id = SessionIds.of(ctx);
        Select select = Select.parse(Params.singleQueryParam(ctx, "$select"), Carrier.CHAT_SESSION);
        SavedChatSession session = Bodies.read(ctx, SavedChatSession.class).withId(id);
        repository.saveSession(session)
                .map(stored -> stored.orElseThrow(() -> ApiException.notFound("session.notFound", id)))
                .compose(stored -> repository.findSession(id, select))
                .map(found -> found.orElseThrow(() -> ApiException.notFound("session.notFound", id)))
                .onSuccess(entity -> send(ctx, entity, select))
                .onFailure(ctx::fail);
    }

    /** DELETE /api/v1/ChatSession/{id}: 204; its messages go with it and its parked polls are answered 404. */
    public void delete(RoutingContext ctx) {
        int id = SessionIds.of(ctx);
        repository.deleteSession(id).onSuccess(deleted -> {
            if (deleted) {
                ctx.response().setStatusCode(204).end();
            } else {
                ctx.fail(ApiException.notFound("session.notFound", id));
            }
        }).onFailure(ctx::fail);
    }

    /** POST /api/v1/ChatSession: a new session in the queue, answered as GET would answer it. */
    public void create(RoutingContext ctx) {
        NewChatSession session = Bodies.read(ctx, NewChatSession.class)
                .validated(ctx.request().remoteAddress().hostAddress());
        repository.insertSession(session)
                .map(id -> id.orElseThrow(() -> ApiException.badRequest("topic.unknown", session.topicId())))
                .compose(repository::findSession)
                .map(found -> found.orElseThrow(() -> new IllegalStateException("the new session vanished")))
                .onSuccess(entity -> send(ctx, entity, Select.ALL))
                .onFailure(ctx::fail);
    }

    private void send(RoutingContext ctx, ChatSessionEntity entity, Select select) {
        CarrierWriter.Rendering how = new CarrierWriter.Rendering(Principal.of(ctx).isAgent(),
                Representation.of(ctx), select);
        Json.send(ctx, 200, "ChatSessionEntity", g -> entity.writeTo(g, how, links.baseUrl(ctx)));
    }
}
