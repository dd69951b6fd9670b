package chatapi.topic;

import chatapi.http.ApiException;
import chatapi.http.Bodies;
import chatapi.http.Errors;
import chatapi.http.Json;
import chatapi.http.Params;
import chatapi.http.Respond;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * SuperOffice's Agents API calls for topics, roles and presence ({@code POST /api/v1/Agents/Chat/<Call>}): each
 * takes its arguments from its query or body and is served by the REST route's handler, with the same rights,
 * answering without {@code _Links}. An entity the call names that does not exist is answered {@code null}, as the
 * session calls answer.
 */
final class TopicAgentCalls {

    private final TopicHandler topics;
    private final TopicStore store;

    TopicAgentCalls(TopicHandler topics, TopicStore store) {
        this.topics = topics;
        this.store = store;
    }

    /** {@code GetChatTopicEntity?chatTopicEntityId=N}. */
    void getChatTopicEntity(RoutingContext ctx) {
        int id = queryId(ctx, "chatTopicEntityId");
        ifExists(ctx, id, "ChatTopicEntity", () -> topics.get(ctx));
    }

    /** {@code SaveChatTopicEntity}: the body is the entity; a new topic when its ChatTopicId is 0 or absent. */
    void saveChatTopicEntity(RoutingContext ctx) {
        JsonNode body = Bodies.tree(ctx);
        JsonNode idNode = body.isObject() ? Bodies.field(body, "ChatTopicId") : null;
        int id = idNode == null || idNode.isNull() ? 0 : idNode.isInt() && idNode.intValue() >= 0 ? idNode.intValue() : -1;
        if (id < 0) {
            throw ApiException.badRequest("property.invalidValue", "ChatTopicId", Errors.echo(idNode.toString()));
        }
        TopicHandler.asAgentsCall(ctx, id == 0 ? null : id, null, body);
        if (id == 0) {
            topics.create(ctx);
        } else {
            ifExists(ctx, id, "ChatTopicEntity", () -> topics.put(ctx));
        }
    }

    void createDefaultChatTopicEntity(RoutingContext ctx) {
        TopicHandler.asAgentsCall(ctx, null, null, null);
        topics.defaultEntity(ctx);
    }

    /** {@code DeleteChatTopicEntity?ChatTopicEntityId=N}: 204, or {@code null} when there is no such topic. */
    void deleteChatTopicEntity(RoutingContext ctx) {
        int id = queryId(ctx, "ChatTopicEntityId");
        ifExists(ctx, id, "ChatTopicEntity", () -> topics.delete(ctx));
    }

    /** {@code IsWithinOpeningHours} {@code {"ChatTopicId": N}}. */
    void isWithinOpeningHours(RoutingContext ctx) {
        withTopic(ctx, null, null);
        topics.isOpen(ctx);
    }

    void chatTopicsForUser(RoutingContext ctx) {
        topics.forCurrentUser(ctx);
    }

    /** {@code GetUserAgentList} {@code {"Flat": bool, "OnlyPresent": bool}}. */
    void getUserAgentList(RoutingContext ctx) {
        JsonNode body = optionalBody(ctx);
        JsonNode flat = body == null ? null : Bodies.field(body, "Flat");
        if (flat != null && !flat.isNull() && !flat.isBoolean()) {
            throw ApiException.badRequest("property.invalidValue", "Flat", Errors.echo(flat.toString()));
        }
        topics.userAgents(ctx, flat == null || flat.isNull() || flat.booleanValue());
    }

    /** {@code GetChatTopicUserAgentList} {@code {"ChatTopicId": N}}. */
    void getChatTopicUserAgentList(RoutingContext ctx) {
        withTopic(ctx, null, null);
        topics.agents(ctx);
    }

    /** {@code GetChatTopicUserAgent} {@code {"ChatTopicId": N, "Username": "…"}}. */
    void getChatTopicUserAgent(RoutingContext ctx) {
        withTopic(ctx, "Username", null);
        topics.agent(ctx);
    }

    /** {@code AddChatTopicUserAgent} {@code {"ChatTopicId": N, "Useragent": {…}}}. */
    void addChatTopicUserAgent(RoutingContext ctx) {
        withTopic(ctx, null, "Useragent");
        topics.addAgent(ctx);
    }

    /** {@code UpdateChatTopicUserAgent} {@code {"ChatTopicId": N, "Username": "…", "Useragent": {…}}}. */
    void updateChatTopicUserAgent(RoutingContext ctx) {
        withTopic(ctx, "Username", "Useragent");
        topics.putAgent(ctx);
    }

    /** {@code UpdateChatTopicUserAgents} {@code {"ChatTopicId": N, "Useragents": [{…}]}}. */
    void updateChatTopicUserAgents(RoutingContext ctx) {
        withTopic(ctx, null, "Useragents");
        topics.replaceAgents(ctx);
    }

    /** {@code DeleteChatTopicUserAgent} {@code {"ChatTopicId": N, "Username": "…"}}. */
    void deleteChatTopicUserAgent(RoutingContext ctx) {
        withTopic(ctx, "Username", null);
        topics.deleteAgent(ctx);
    }

    /** {@code CreateDefaultChatTopicAgent}: a role with nothing set, in no topic. */
    void createDefaultChatTopicAgent(RoutingContext ctx) {
        Json.send(ctx, 200, "ChatTopicAgent", g -> {
            g.writeStartObject();
            g.writeNumberField("TopicId", 0);
            g.writeNullField("User");
            g.writeBooleanField("CanListen", false);
            g.writeBooleanField("CanRespond", false);
            g.writeBooleanField("CanManage", false);
            g.writeBooleanField("CanNotify", false);
            g.writeEndObject();
        });
    }

    void getChatPresence(RoutingContext ctx) {
        topics.presence(ctx);
    }

    /** {@code SaveChatPresence} {@code {"ChatPresence": [{…}]}}. */
    void saveChatPresence(RoutingContext ctx) {
        topics.savePresence(ctx);
    }

    /** Reads ChatTopicId (required, from 1), and the named text and body parts, for the REST handler. */
    private static void withTopic(RoutingContext ctx, String usernameField, String bodyField) {
        JsonNode body = Bodies.tree(ctx);
        if (!body.isObject()) {
            throw ApiException.badRequest("body.object");
        }
        JsonNode id = Bodies.field(body, "ChatTopicId");
        if (id == null || !id.isInt() || id.intValue() < 1) {
            throw ApiException.badRequest("property.positive", "ChatTopicId");
        }
        String username = null;
        if (usernameField != null) {
            JsonNode name = Bodies.field(body, usernameField);
            if (name == null || !name.isTextual()) {
                throw ApiException.badRequest("property.required", usernameField);
            }
            username = name.textValue();
        }
        JsonNode part = null;
        if (bodyField != null) {
            part = Bodies.field(body, bodyField);
            if (part == null || part.isNull()) {
                throw ApiException.badRequest("property.required", bodyField);
            }
        }
        TopicHandler.asAgentsCall(ctx, id.intValue(), username, part);
    }

    /** Answers {@code null} when the topic does not exist, else runs the call. */
    private void ifExists(RoutingContext ctx, int id, String root, Runnable call) {
        TopicHandler.asAgentsCall(ctx, id, null, null);
        Respond.with(ctx, store.find(id), found -> {
            if (found.isPresent()) {
                call.run();
            } else {
                Json.send(ctx, 200, root, g -> g.writeNull());
            }
        });
    }

    private static int queryId(RoutingContext ctx, String name) {
        String raw = ctx.queryParams().entries().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        if (raw == null) {
            throw ApiException.badRequest("param.required", name);
        }
        return Params.int32(name, raw, 1);
    }

    /** The call's body, when it has one. */
    private static JsonNode optionalBody(RoutingContext ctx) {
        return ctx.body().buffer() == null || ctx.body().buffer().length() == 0 ? null : Bodies.tree(ctx);
    }
}
