package chatapi.agents;

import chatapi.http.ApiException;
import chatapi.http.Bodies;
import chatapi.http.Compression;
import chatapi.http.Json;
import chatapi.http.Params;
import chatapi.http.Representation;
import chatapi.http.Respond;
import chatapi.message.ChatMessage;
import chatapi.message.MessageArray;
import chatapi.message.MessageStore;
import chatapi.message.NewChatMessage;
import chatapi.session.ChatSessionEntity;
import chatapi.session.ChatSessionHandler;
import chatapi.session.SavedChatSession;
import chatapi.session.SessionStore;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/**
 * SuperOffice's Agents API for chat ({@code POST /api/v1/Agents/Chat/<Method>}), as its official clients
 * call it: request carriers in the body (property names in any case), answers in the REST API's carriers
 * without {@code _Links}. A call that fails on the data (an id that does not exist) answers 200 with
 * {@code null}, as SuperOffice's Agents do; a malformed request is still a 400 naming what is wrong.
 */
public final class ChatAgentHandler {

    /** GetChatMessages' body: {@code {"ChatSessionId":N,"After":M}}. */
    record GetChatMessagesRequest(Integer chatSessionId, Integer after) {
    }

    /** AddChatMessage's body: {@code {"ChatSessionId":N,"Message":{…}}}. */
    record AddChatMessageRequest(Integer chatSessionId, NewChatMessage message) {
    }

    private final SessionStore sessions;
    private final MessageStore messages;

    public ChatAgentHandler(SessionStore sessions, MessageStore messages) {
        this.sessions = sessions;
        this.messages = messages;
    }

    /** {@code GetChatSessionEntity?chatSessionEntityId=N}. */
    public void getChatSessionEntity(RoutingContext ctx) {
        int id = entityId(ctx);
        Respond.with(ctx, sessions.findSession(id), found -> sendEntity(ctx, found));
    }

    /** {@code CreateDefaultChatSessionEntity}: an unsaved session with its defaults (id 0). */
    public void createDefaultChatSessionEntity(RoutingContext ctx) {
        Respond.with(ctx, sessions.defaultSession(), entity -> sendEntity(ctx, Optional.of(entity)));
    }

    /** {@code SaveChatSessionEntity}: inserts when the id is 0, updates otherwise; answers the stored entity. */
    public void saveChatSessionEntity(RoutingContext ctx) {
        SavedChatSession session = Bodies.read(ctx, SavedChatSession.class);
        var saved = sessions.saveSession(session)
                .compose(id -> id.isPresent() ? sessions.findSession(id.get()) : Future.succeededFuture(Optional.empty()));
        Respond.with(ctx, saved, found -> sendEntity(ctx, found));
    }

    /** {@code DeleteChatSessionEntity?chatSessionEntityId=N}: 204 when deleted, 200 {@code null} when absent. */
    public void deleteChatSessionEntity(RoutingContext ctx) {
        int id = entityId(ctx);
        Respond.with(ctx, sessions.deleteSession(id), deleted -> {
            if (deleted) {
                ctx.response().setStatusCode(204).end();
            } else {
                sendNull(ctx, "ChatSessionEntity");
            }
        });
    }

    /** {@code GetChatMessages}: the messages after {@code After}, at once (long-polling is the REST route's). */
    public void getChatMessages(RoutingContext ctx) {
        GetChatMessagesRequest request = Bodies.read(ctx, GetChatMessagesRequest.class);
        int session = required("ChatSessionId", request.chatSessionId());
        int after = request.after() == null ? 0 : request.after();
        if (after < 0) {
            throw ApiException.badRequest("property.positive", "After");
        }
        Respond.with(ctx, messages.messagesAfter(session, after), found -> {
            if (found.isEmpty()) {
                sendNull(ctx, "ArrayOfChatMessage");
            } else {
                sendMessages(ctx, found.get());
            }
        });
    }

    /** {@code AddChatMessage}: stores the message (its insert wakes the session's parked polls everywhere). */
    public void addChatMessage(RoutingContext ctx) {
        AddChatMessageRequest request = Bodies.read(ctx, AddChatMessageRequest.class);
        int session = required("ChatSessionId", request.chatSessionId());
        if (request.message() == null) {
            throw ApiException.badRequest("property.required", "Message");
        }
        NewChatMessage message = request.message().validated();
        Respond.with(ctx, messages.insertMessage(session, message), stored -> {
            if (stored.isEmpty()) {
                sendNull(ctx, "ChatMessage");
            } else {
                Json.send(ctx, 200, "ChatMessage", g -> stored.get().writeTo(g, Representation.of(ctx).zone()));
            }
        });
    }

    /** The {@code chatSessionEntityId} query parameter (any case), an int32 from 1. */
    private static int entityId(RoutingContext ctx) {
        String raw = Params.singleQueryParam(ctx, "chatSessionEntityId");
        if (raw == null) {
            throw ApiException.badRequest("param.required", "chatSessionEntityId");
        }
        return Params.int32("chatSessionEntityId", raw, 1);
    }

    private static int required(String property, Integer value) {
        if (value == null) {
            throw ApiException.badRequest("property.required", property);
        }
        if (value < 1) {
            throw ApiException.badRequest("property.positive", property);
        }
        return value;
    }

    private static void sendEntity(RoutingContext ctx, Optional<ChatSessionEntity> entity) {
        if (entity.isEmpty()) {
            sendNull(ctx, "ChatSessionEntity");
            return;
        }
        ChatSessionHandler.sendWithoutLinks(ctx, entity.get());
    }

    private static void sendMessages(RoutingContext ctx, List<ChatMessage> messages) {
        Representation representation = Representation.of(ctx);
        ctx.response().putHeader("Content-Type", representation.contentType());
        Compression.end(ctx, MessageArray.encode(messages, representation));
    }

    /** 200 with {@code null}: the Agents' answer when the data is not there. */
    private static void sendNull(RoutingContext ctx, String root) {
        Json.send(ctx, 200, root, g -> g.writeNull());
    }
}
