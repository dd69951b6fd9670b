package chatapi.topic;

import chatapi.auth.Principal;
import chatapi.http.ApiException;
import chatapi.http.Bodies;
import chatapi.http.Errors;
import chatapi.http.Json;
import chatapi.http.Links;
import chatapi.http.Params;
import chatapi.http.PathIds;
import chatapi.http.Representation;
import chatapi.http.Respond;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ChatTopic resource. Agents read every topic and its agents; administrators and a topic's managers
 * (CanManage) change it; only administrators create topics. A customer reads the topic of its own session
 * (what its widget needs; the other properties null) and whether it is open.
 */
final class TopicHandler {

    private final TopicStore store;
    private final Links links;

    TopicHandler(TopicStore store, Links links) {
        this.store = store;
        this.links = links;
    }

    /** GET ChatTopic/default: an unsaved topic with its defaults (id 0). */
    void defaultEntity(RoutingContext ctx) {
        Respond.with(ctx, store.defaultTopic(), topic -> send(ctx, topic, ChatTopicEntity.View.AGENT, "FULL", false));
    }

    /** GET ChatTopic/{id}: agents the whole entity, the session's customer the public part of its topic. */
    void get(RoutingContext ctx) {
        int id = topicId(ctx);
        Principal caller = Principal.of(ctx);
        if (caller.isAgent()) {
            var answer = manages(caller, id).compose(manager -> found(id).map(topic -> new Shown(topic, manager)));
            Respond.with(ctx, answer, shown -> send(ctx, shown.topic(), ChatTopicEntity.View.AGENT,
                    shown.manager() ? "FULL" : "Select", true));
            return;
        }
        Respond.with(ctx, ownTopic(caller, id).compose(v -> found(id)),
                topic -> send(ctx, topic, ChatTopicEntity.View.CUSTOMER, "Select", true));
    }

    /**
     * GET ChatTopic/{id}/IsOpen, as a bare true or false: within its opening hours now (or without any), and one
     * of its responders present.
     */
    void isOpen(RoutingContext ctx) {
        int id = topicId(ctx);
        Principal caller = Principal.of(ctx);
        Future<Void> allowed = caller.isAgent() ? Future.succeededFuture() : ownTopic(caller, id);
        var open = allowed.compose(v -> found(id)).compose(this::open);
        Respond.with(ctx, open, value -> Json.send(ctx, 200, "boolean", g -> g.writeBoolean(value)));
    }

    /**
     * GET /dev/ChatTopic/{id}, only with devStartChat: what the reference widget shows before a chat starts, which it
     * has no credential for yet: {@code {"Topic": <the customer's view of the topic>, "IsOpen": true|false}}. In
     * production a site's backend reads the same with its own credential (GET ChatTopic/{id} and IsOpen).
     */
    void widgetTopic(RoutingContext ctx) {
        int id = PathIds.of(ctx);
        var answer = found(id).compose(topic -> open(topic).map(open -> new WidgetTopic(topic, open)));
        Respond.with(ctx, answer, widget -> Json.send(ctx, 200, "WidgetTopic", g -> {
            g.writeStartObject();
            g.writeFieldName("Topic");
            widget.topic().writeTo(g, ChatTopicEntity.View.CUSTOMER, "Select", Representation.of(ctx).zone(), null);
            g.writeBooleanField("IsOpen", widget.open());
            g.writeEndObject();
        }));
    }

    /** Within its opening hours now (or without any), and one of its responders present. */
    private Future<Boolean> open(ChatTopicEntity topic) {
        return OpeningHours.isOpen(topic.openingHoursEnabled(), topic.openingHours(), Instant.now())
                ? store.anyoneResponding(topic.id()) : Future.succeededFuture(false);
    }

    /** GET ChatTopic/ForCurrentUser: the topics the caller has any role in. */
    void forCurrentUser(RoutingContext ctx) {
        Principal caller = Principal.of(ctx);
        var topics = store.caller(caller.associateId(), caller.name(), 0)
                .compose(me -> me.isEmpty() ? Future.succeededFuture(List.<ChatTopicEntity>of())
                        : store.forAssociate(me.get().associateId()));
        Respond.with(ctx, topics, list -> sendList(ctx, "ArrayOfChatTopicEntity", "ChatTopicEntity", g -> {
            for (ChatTopicEntity topic : list) {
                topic.writeTo(g, ChatTopicEntity.View.AGENT, "Select", Representation.of(ctx).zone(), null);
            }
        }));
    }

    /** POST ChatTopic: a new topic (administrators). */
    void create(RoutingContext ctx) {
        List<Object> values = TopicBody.values(body(ctx));
        Principal caller = Principal.of(ctx);
        var created = store.caller(caller.associateId(), caller.name(), 0).compose(me -> {
            if (me.isEmpty() || !me.get().administrator()) {
                throw ApiException.forbidden();
            }
            return store.insert(values);
        }).compose(this::found);
        Respond.with(ctx, created, topic -> send(ctx, topic, ChatTopicEntity.View.AGENT, "FULL", true));
    }

    /** PUT ChatTopic/{id}: replaces every writable property (what the body leaves out takes its default). */
    void put(RoutingContext ctx) {
        int id = topicId(ctx);
        List<Object> values = TopicBody.values(body(ctx));
        Respond.with(ctx, mayManage(ctx, id).compose(v -> save(id, values)),
                topic -> send(ctx, topic, ChatTopicEntity.View.AGENT, "FULL", true));
    }

    /**
     * PATCH ChatTopic/{id}: a JSON Merge Patch (an object) or a JSON Patch (an array of add, replace, remove and
     * test on the topic's properties) applied to the topic as GET writes it, then stored as PUT stores it.
     */
    void patch(RoutingContext ctx) {
        int id = topicId(ctx);
        JsonNode patch = Bodies.tree(ctx);
        var saved = mayManage(ctx, id).compose(v -> found(id)).compose(topic -> {
            ObjectNode entity = tree(Json.buffer(g -> topic.writeTo(g, ChatTopicEntity.View.AGENT, "FULL",
                    java.time.ZoneOffset.UTC, null)));
            apply(entity, patch);
            return save(id, TopicBody.values(entity));
        });
        Respond.with(ctx, saved, topic -> send(ctx, topic, ChatTopicEntity.View.AGENT, "FULL", true));
    }

    /** DELETE ChatTopic/{id}: 204; 409 while sessions are in it. */
    void delete(RoutingContext ctx) {
        int id = topicId(ctx);
        Respond.with(ctx, mayManage(ctx, id).compose(v -> store.delete(id)), deleted -> {
            if (deleted) {
                ctx.response().setStatusCode(204).end();
            } else {
                ctx.fail(notFound(id));
            }
        });
    }

    /**
     * GET Presence/GetAll (the Agents' GetChatPresence): every chat user with UserId, DisplayName, OngoingChats,
     * Present and ChatTopics.
     */
    void presence(RoutingContext ctx) {
        Respond.with(ctx, store.presence(), rows -> sendList(ctx, "ArrayOfChatPresence", "ChatPresence", g -> {
            for (Row row : rows) {
                g.writeStartObject();
                g.writeNumberField("UserId", row.getInteger(0));
                g.writeStringField("DisplayName", row.getString(1));
                g.writeNumberField("OngoingChats", row.getInteger(2));
                g.writeBooleanField("Present", row.getBoolean(3));
                g.writeFieldName("ChatTopics");
                g.writeStartArray();
                for (Integer topic : row.getArrayOfIntegers(4)) {
                    g.writeNumber(topic);
                }
                g.writeEndArray();
                g.writeNullField("TableRight");
                g.writeNullField("FieldProperties");
                g.writeEndObject();
            }
        }));
    }

    /**
     * POST Presence/SaveAll (the Agents' SaveChatPresence): sets the presence of the listed agents ({@code UserId},
     * {@code Present}; the rest is ignored). An agent sets its own; administrators anyone's. 204.
     */
    void savePresence(RoutingContext ctx) {
        JsonNode body = Bodies.tree(ctx);
        savePresence(ctx, body.isObject() ? Bodies.field(body, "ChatPresence") : body);
    }

    void savePresence(RoutingContext ctx, JsonNode list) {
        if (list == null || !list.isArray()) {
            throw ApiException.badRequest("property.invalidValue", "ChatPresence", "an array of ChatPresence");
        }
        List<Integer> ids = new ArrayList<>();
        List<Boolean> present = new ArrayList<>();
        for (JsonNode item : list) {
            JsonNode id = item.isObject() ? Bodies.field(item, "UserId") : null;
            JsonNode on = item.isObject() ? Bodies.field(item, "Present") : null;
            if (id == null || !id.isInt() || id.intValue() < 1) {
                throw ApiException.badRequest("property.invalidValue", "UserId", Errors.echo(String.valueOf(id)));
            }
            if (on == null || !on.isBoolean()) {
                throw ApiException.badRequest("property.invalidValue", "Present", Errors.echo(String.valueOf(on)));
            }
            if (ids.contains(id.intValue())) {
                throw ApiException.badRequest("property.invalidValue", "UserId", id.intValue() + " listed twice");
            }
            ids.add(id.intValue());
            present.add(on.booleanValue());
        }
        Principal caller = Principal.of(ctx);
        var saved = store.caller(caller.associateId(), caller.name(), 0).compose(me -> {
            if (me.isEmpty() || !me.get().administrator() && ids.stream().anyMatch(id -> id != me.get().associateId())) {
                throw ApiException.forbidden();
            }
            return store.existing(ids); // every id first: nothing is stored when one is no agent
        }).compose(found -> {
            ids.stream().filter(id -> !found.contains(id)).findFirst().ifPresent(missing -> {
                throw ApiException.badRequest("topic.agentUnknown", missing);
            });
            return store.savePresence(ids, present);
        });
        Respond.with(ctx, saved, v -> ctx.response().setStatusCode(204).end());
    }

    /** GET ChatTopic/UserAgents[?flat=true]: the associates who may be given roles, flat or by user group. */
    void userAgents(RoutingContext ctx) {
        String flatParam = Params.singleQueryParam(ctx, "flat");
        boolean flat = flatParam == null || bool("flat", flatParam);
        String present = Params.singleQueryParam(ctx, "onlyPresent");
        if (present != null) {
            bool("onlyPresent", present);
        }
        userAgents(ctx, flat);
    }

    /** The agents who may be given roles, flat or by group. */
    void userAgents(RoutingContext ctx, boolean flat) {
        Respond.with(ctx, store.userAgents(), rows -> sendList(ctx, "ArrayOfMDOListItem", "MDOListItem", g -> {
            if (flat) {
                for (Row row : rows) {
                    MdoItems.user(g, row);
                }
            } else {
                MdoItems.groups(g, rows);
            }
        }));
    }

    /** GET ChatTopic/{id}/UserAgent: every agent's roles in the topic. */
    void agents(RoutingContext ctx) {
        int id = topicId(ctx);
        Respond.with(ctx, found(id).compose(topic -> store.agents(id)), list -> sendAgents(ctx, list));
    }

    /** GET ChatTopic/{id}/UserAgent/{username}: one agent's roles (username: login name or associate id). */
    void agent(RoutingContext ctx) {
        int id = topicId(ctx);
        String who = username(ctx);
        var agent = found(id).compose(topic -> associate(who, id))
                .compose(associate -> store.agent(id, associate))
                .map(found -> found.orElseThrow(() -> ApiException.notFound("topic.agentNotMember", Errors.echo(who), id)));
        Respond.with(ctx, agent, a -> sendAgent(ctx, a));
    }

    /** POST ChatTopic/{id}/UserAgent: sets the roles of the agent the body's User names. */
    void addAgent(RoutingContext ctx) {
        int id = topicId(ctx);
        TopicAgent.Named named = TopicAgent.Roles.read(body(ctx));
        if (named.who() == null) {
            throw ApiException.badRequest("property.required", "User");
        }
        saveAgent(ctx, id, named.who(), named.roles());
    }

    /** PUT ChatTopic/{id}/UserAgent/{username}: sets that agent's roles (the body's User is not needed). */
    void putAgent(RoutingContext ctx) {
        int id = topicId(ctx);
        saveAgent(ctx, id, username(ctx), TopicAgent.Roles.read(body(ctx)).roles());
    }

    private void saveAgent(RoutingContext ctx, int id, String who, TopicAgent.Roles roles) {
        var saved = manager(ctx, id).compose(me -> found(id).compose(topic -> target(who, id)).compose(target -> {
                    mayChange(me, target, roles);
                    return store.saveAgent(id, target.associateId(), roles).compose(v -> store.agent(id, target.associateId()));
                }))
                .map(Optional::orElseThrow);
        Respond.with(ctx, saved, a -> sendAgent(ctx, a));
    }

    /** Most roles one PUT of a topic's list may hold. */
    static final int MAX_AGENTS = 200;

    /** PUT ChatTopic/{id}/UserAgent: replaces every role in the topic with the body's list (administrators). */
    void replaceAgents(RoutingContext ctx) {
        int id = topicId(ctx);
        JsonNode body = body(ctx);
        if (body == null || !body.isArray() || body.size() > MAX_AGENTS) {
            throw ApiException.badRequest("property.invalidValue", "useragents",
                    "an array of at most " + MAX_AGENTS + " ChatTopicAgent");
        }
        List<TopicAgent.Named> named = new ArrayList<>();
        for (JsonNode item : body) {
            TopicAgent.Named one = TopicAgent.Roles.read(item);
            if (one.who() == null) {
                throw ApiException.badRequest("property.required", "User");
            }
            named.add(one);
        }
        var replaced = manager(ctx, id).compose(me -> {
                    if (!me.administrator()) { // replacing every role could remove the other managers'
                        throw new ApiException(403, "Forbidden", "topic.managerLimits");
                    }
                    return found(id);
                })
                .compose(topic -> Future.all(named.stream().map(n -> associate(n.who(), id)).toList()))
                .compose(all -> {
                    List<Integer> associates = all.list();
                    if (new HashSet<>(associates).size() != associates.size()) {
                        throw ApiException.badRequest("property.invalidValue", "useragents", "an agent listed twice");
                    }
                    return store.replaceAgents(id, associates, named.stream().map(TopicAgent.Named::roles).toList());
                })
                .compose(v -> store.agents(id));
        Respond.with(ctx, replaced, list -> sendAgents(ctx, list));
    }

    /** DELETE ChatTopic/{id}/UserAgent/{username}: removes the agent's roles; 404 when it had none. */
    void deleteAgent(RoutingContext ctx) {
        int id = topicId(ctx);
        String who = username(ctx);
        var deleted = manager(ctx, id).compose(me -> found(id).compose(topic -> target(who, id)).compose(target -> {
                    mayChange(me, target, null);
                    return store.deleteAgent(id, target.associateId());
                }));
        Respond.with(ctx, deleted, done -> {
            if (done) {
                ctx.response().setStatusCode(204).end();
            } else {
                ctx.fail(ApiException.notFound("topic.agentNotMember", Errors.echo(who), id));
            }
        });
    }

    private record Shown(ChatTopicEntity topic, boolean manager) {
    }

    private record WidgetTopic(ChatTopicEntity topic, boolean open) {
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper TREES = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The entity as GET writes it, as a tree to patch. */
    private static ObjectNode tree(io.vertx.core.buffer.Buffer json) {
        try {
            return (ObjectNode) TREES.readTree(json.getBytes());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Future<ChatTopicEntity> save(int id, List<Object> values) {
        return store.update(id, values).compose(updated -> {
            if (!updated) {
                throw notFound(id);
            }
            return found(id);
        });
    }

    private Future<ChatTopicEntity> found(int id) {
        return store.find(id).map(found -> found.orElseThrow(() -> notFound(id)));
    }

    private Future<Integer> associate(String who, int topicId) {
        return target(who, topicId).map(TopicStore.Target::associateId);
    }

    private Future<TopicStore.Target> target(String who, int topicId) {
        return store.associate(who, topicId).map(found -> found.orElseThrow(
                () -> ApiException.notFound("topic.agentUnknown", Errors.echo(who))));
    }

    /**
     * What a manager who is no administrator may not do: change the roles of an administrator or of another
     * manager, or make anyone else a manager (403); an administrator may do anything.
     */
    private static void mayChange(TopicStore.Caller me, TopicStore.Target target, TopicAgent.Roles roles) {
        if (me.administrator()) {
            return;
        }
        boolean self = target.associateId() == me.associateId();
        if (target.administrator() || !self && (target.manager() || roles != null && roles.canManage())) {
            throw new ApiException(403, "Forbidden", "topic.managerLimits");
        }
    }

    /** Whether the agent may manage the topic (an administrator, or CanManage in it). */
    private Future<Boolean> manages(Principal caller, int id) {
        return store.caller(caller.associateId(), caller.name(), id).map(me -> me.isPresent() && me.get().mayManage());
    }

    /** Administrators and the topic's managers pass; anyone else gets 403, whether the topic exists or not. */
    private Future<Void> mayManage(RoutingContext ctx, int id) {
        return manager(ctx, id).mapEmpty();
    }

    /** The caller, when it is an administrator or the topic's manager; else 403, whether the topic exists or not. */
    private Future<TopicStore.Caller> manager(RoutingContext ctx, int id) {
        Principal caller = Principal.of(ctx);
        if (!caller.isAgent()) {
            return Future.failedFuture(ApiException.forbidden());
        }
        return store.caller(caller.associateId(), caller.name(), id).compose(me -> me.isPresent() && me.get().mayManage()
                ? Future.succeededFuture(me.get()) : Future.failedFuture(ApiException.forbidden()));
    }

    /** A customer reads only the topic of its own session. */
    private Future<Void> ownTopic(Principal caller, int id) {
        return store.topicOfSession(caller.chatSessionId()).compose(topic -> topic.isPresent() && topic.get() == id
                ? Future.succeededFuture() : Future.failedFuture(ApiException.forbidden()));
    }

    private void send(RoutingContext ctx, ChatTopicEntity topic, ChatTopicEntity.View view, String mask, boolean withLinks) {
        String base = withLinks && ctx.get(AGENTS_API) == null ? links.baseUrl(ctx) : null;
        Json.send(ctx, 200, "ChatTopicEntity", g -> topic.writeTo(g, view, mask, Representation.of(ctx).zone(), base));
    }

    private static void sendAgent(RoutingContext ctx, TopicAgent agent) {
        Json.send(ctx, 200, "ChatTopicAgent", g -> agent.writeTo(g, Representation.of(ctx)));
    }

    private static void sendAgents(RoutingContext ctx, List<TopicAgent> agents) {
        sendList(ctx, "ArrayOfChatTopicAgent", "ChatTopicAgent", g -> {
            for (TopicAgent a : agents) {
                a.writeTo(g, Representation.of(ctx));
            }
        });
    }

    /** A list: a JSON array, or in XML a root {@code ArrayOf…} holding one {@code element} per item. */
    private static void sendList(RoutingContext ctx, String root, String element, Json.Body items) {
        boolean xml = Representation.of(ctx).xml();
        Json.send(ctx, 200, root, g -> {
            if (xml) {
                g.writeStartObject();
                g.writeFieldName(element);
            }
            g.writeStartArray();
            items.writeTo(g);
            g.writeEndArray();
            if (xml) {
                g.writeEndObject();
            }
        });
    }

    private static final String TOPIC_ID = "chatapi.topicId";
    private static final String USERNAME = "chatapi.username";
    private static final String BODY = "chatapi.topicBody";
    private static final String AGENTS_API = "chatapi.agentsApi";

    /**
     * An Agents API call served by a REST handler: the topic, the agent and the body come from the call's own
     * body instead of the path, and answers carry no _Links.
     */
    static void asAgentsCall(RoutingContext ctx, Integer topicId, String username, JsonNode body) {
        ctx.put(AGENTS_API, true);
        if (topicId != null) {
            ctx.put(TOPIC_ID, topicId);
        }
        if (username != null) {
            ctx.put(USERNAME, username);
        }
        if (body != null) {
            ctx.put(BODY, body);
        }
    }

    /** The topic: the path's {id}, or an Agents call's ChatTopicId. */
    private static int topicId(RoutingContext ctx) {
        Integer given = ctx.get(TOPIC_ID);
        return given != null ? given : PathIds.of(ctx);
    }

    /** The request's JSON body, or the part of an Agents call's body that the REST route's body is. */
    private static JsonNode body(RoutingContext ctx) {
        JsonNode given = ctx.get(BODY);
        return given != null ? given : Bodies.tree(ctx);
    }

    /** {username}: a login name (at most 50 characters) or an associate id. */
    private static String username(RoutingContext ctx) {
        String given = ctx.get(USERNAME);
        String who = chatapi.http.Text.optional("username", given != null ? given : ctx.pathParam("username"), 50);
        if (who.isBlank()) {
            throw ApiException.badRequest("property.required", "username");
        }
        return who;
    }

    private static boolean bool(String name, String raw) {
        return switch (raw.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest("property.invalidValue", name, Errors.echo(raw));
        };
    }

    private static ApiException notFound(int id) {
        return ApiException.notFound("topic.unknown", id);
    }

    /** Applies a merge patch (an object) or a JSON Patch (add, replace, remove, test) to the entity's properties. */
    private static void apply(ObjectNode entity, JsonNode patch) {
        if (patch.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = writable(e.getKey());
                JsonNode current = entity.get(name);
                if (e.getValue().isObject() && current != null && current.isObject()) {
                    e.getValue().fields().forEachRemaining(f -> ((ObjectNode) current).set(f.getKey(), f.getValue()));
                } else {
                    entity.set(name, e.getValue());
                }
            }
            return;
        }
        if (!patch.isArray()) {
            throw ApiException.badRequest("patch.invalid", 0, "a patch is an object (merge) or an array (JSON Patch)");
        }
        int index = 0;
        for (JsonNode op : patch) {
            index++;
            String kind = op.path("op").asText("");
            String path = op.path("path").asText("");
            String[] parts = (path.startsWith("/") ? path.substring(1) : path).split("/", 2);
            String name = writable(parts[0]);
            if (parts.length > 1) {
                throw ApiException.badRequest("patch.invalid", index, "paths name a property: " + Errors.echo(path));
            }
            switch (kind.toLowerCase(java.util.Locale.ROOT)) {
                case "add", "replace" -> {
                    if (!op.has("value")) {
                        throw ApiException.badRequest("patch.invalid", index, "'value' is required");
                    }
                    entity.set(name, op.get("value"));
                }
                case "remove" -> entity.set(name, JsonNodeFactory.instance.nullNode());
                case "test" -> {
                    if (!op.path("value").equals(entity.get(name))) {
                        throw new ApiException(409, "Conflict", "patch.testFailed", Errors.echo(path));
                    }
                }
                default -> throw ApiException.badRequest("patch.invalid", index, "unknown op " + Errors.echo(kind));
            }
        }
    }

    /** A property a patch may change, in its own spelling; 400 for one the server keeps or that does not exist. */
    private static String writable(String name) {
        TopicField field = TopicField.named(name);
        if (field == null) {
            throw ApiException.badRequest("property.unknown", Errors.echo(name));
        }
        if (!TopicField.WRITABLE.contains(field)) {
            throw ApiException.badRequest("patch.readOnly", Errors.echo(name));
        }
        return field.name();
    }
}
