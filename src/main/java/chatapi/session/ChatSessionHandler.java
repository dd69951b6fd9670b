package chatapi.session;

import chatapi.auth.Principal;
import chatapi.carrier.Carrier;
import chatapi.carrier.CarrierWriter;
import chatapi.carrier.ChatSessionFlags;
import chatapi.carrier.Select;
import chatapi.http.ApiException;
import chatapi.http.Bodies;
import chatapi.http.ClientAddress;
import chatapi.http.Json;
import chatapi.http.Links;
import chatapi.http.Params;
import chatapi.http.PathIds;
import chatapi.http.Representation;
import chatapi.http.Respond;
import chatapi.session.query.SessionQuery;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** GET /api/v1/ChatSession/{id} and POST /api/v1/ChatSession. */
public final class ChatSessionHandler {

    private final SessionStore repository;
    private final Links links;
    private final ClientAddress clients;
    private final TypingRate typingRate;
    private final Watching watching;

    /**
     * @param clients    tells the caller's address, a new session's CustomerHost by default
     * @param typingRate typing updates per credential (shared by the verticles of a process)
     * @param watching   where a GET with If-None-Match and wait=S waits for the session to change
     */
    public ChatSessionHandler(SessionStore repository, Links links, ClientAddress clients, TypingRate typingRate,
            Watching watching) {
        this.repository = repository;
        this.links = links;
        this.clients = clients;
        this.typingRate = typingRate;
        this.watching = watching;
    }

    /**
     * GET /api/v1/ChatSession/{id}: the entity for agents; for the session's customer, its live state only. Sent
     * with an ETag; with a matching If-None-Match, 304. With If-None-Match and {@code wait=S} (0–120) too, the
     * request waits, at no database cost, until the session's ETag changes (200 with it) or the wait ends (304):
     * the long-poll of the session for clients without event streams.
     */
    public void get(RoutingContext ctx) {
        int id = PathIds.of(ctx);
        boolean agent = Principal.of(ctx).isAgent();
        Select select = select(ctx);
        java.util.Set<String> known = ifNoneMatch(ctx);
        long waitMs = Math.min(Params.waitSeconds(ctx, 0) * 1000L, Principal.of(ctx).millisUntilExpiry());
        String[] lastTag = {null};
        Watching.Watch watch = known == null || waitMs == 0 ? null
                : watching.watch(ctx, id, known, agent, waitMs, changed -> {
                    if (changed) {
                        readAndSend(ctx, id, agent, select, null, null);
                    } else if (lastTag[0] != null) {
                        notModified(ctx, lastTag[0]);
                    } else { // the wait ended before the first read did: answer from a read of its own
                        readAndSend(ctx, id, agent, select, known, tag -> true);
                    }
                });
        readAndSend(ctx, id, agent, select, known, tag -> {
            lastTag[0] = tag;
            return watch == null; // a 304 now, or a wait that goes on
        }, watch);
    }

    private void readAndSend(RoutingContext ctx, int id, boolean agent, Select select, java.util.Set<String> known,
            java.util.function.Predicate<String> unchanged) {
        readAndSend(ctx, id, agent, select, known, unchanged, null);
    }

    /**
     * Reads the session as the caller sees it and answers it, unless its ETag is one of {@code known}: then
     * {@code unchanged} tells whether to answer 304 now (else the request waits on). A request that waits sends
     * nothing once its wait has ended (the wait answered it), nor fails twice.
     */
    private void readAndSend(RoutingContext ctx, int id, boolean agent, Select select, java.util.Set<String> known,
            java.util.function.Predicate<String> unchanged, Watching.Watch watch) {
        Future<Object> view = agent
                ? repository.findSession(id, select).map(found -> found.orElseThrow(() -> notFound(id)))
                : repository.state(id).map(found -> found.orElseThrow(() -> notFound(id)));
        view.onComplete(read -> {
            if (read.failed()) {
                if (watch == null || watch.cancel()) {
                    ctx.fail(read.cause());
                }
                return;
            }
            String tag = read.result() instanceof ChatSessionEntity e ? e.etag() : ((SessionState) read.result()).etag(false);
            if (known != null && matches(known, tag)) {
                if (unchanged.test(tag)) {
                    notModified(ctx, tag);
                }
                return;
            }
            if (watch != null && !watch.cancel()) {
                return;
            }
            if (read.result() instanceof ChatSessionEntity entity) {
                send(ctx, entity, select);
            } else {
                sendCustomerView(ctx, (SessionState) read.result());
            }
        });
    }

    private static void notModified(RoutingContext ctx, String tag) {
        if (tag != null) {
            ctx.response().putHeader("ETag", tag);
        }
        ctx.response().setStatusCode(304).end();
    }

    /** If-None-Match's entity tags, compared weakly (as {@code W/"…"}); {@code *} matches any; null when absent. */
    static java.util.Set<String> ifNoneMatch(RoutingContext ctx) {
        String header = ctx.request().getHeader("If-None-Match");
        if (header == null || header.isBlank()) {
            return null;
        }
        java.util.Set<String> tags = new java.util.HashSet<>();
        for (String part : header.split(",")) {
            String tag = part.trim();
            if (tag.equals("*")) {
                tags.add("*");
            } else if (!tag.isEmpty()) {
                tags.add(tag.startsWith("W/") ? tag : "W/" + tag);
            }
        }
        return tags;
    }

    private static boolean matches(java.util.Set<String> known, String tag) {
        return known.contains("*") || known.contains(tag);
    }
    private static ApiException notFound(int id) {
        return ApiException.notFound("session.notFound", id);
    }

    /**
     * What a customer sees of its session: the entity's properties, null but for ChatSessionId, Status, Flags,
     * User (AssociateId and FullName) and WhenStarted/WhenEnded, then QueuePosition: the session event's fields.
     */
    private static void sendCustomerView(RoutingContext ctx, SessionState state) {
        java.util.Set<String> shown = java.util.Set.of("ChatSessionId", "Status", "Flags", "User", "WhenStarted",
                "WhenEnded");
        java.time.ZoneId zone = Representation.of(ctx).zone();
        ctx.response().putHeader("ETag", state.etag(false));
        Json.send(ctx, 200, "ChatSessionEntity", g -> {
            g.writeStartObject();
            for (chatapi.carrier.Property p : Carrier.CHAT_SESSION.properties()) {
                if (!shown.contains(p.name())) {
                    g.writeNullField(p.name());
                }
            }
            state.writeFields(g, zone);
            g.writeEndObject();
        });
    }

    /**
     * A typing update ({@code {"Flags":…}} alone, as a merge patch or one JSON Patch replace/add of /Flags): the
     * value names the flags set; only the caller's own typing flag changes (CustomerIsTyping for a customer,
     * who may name nothing else: 403; UserIsTyping for an agent). Null when the document is anything else.
     */
    static JsonNode typingValue(JsonNode document) {
        if (document.isObject() && document.size() == 1) {
            var field = document.fields().next();
            return field.getKey().equalsIgnoreCase("Flags") ? field.getValue() : null;
        }
        if (document.isArray() && document.size() == 1 && document.get(0).isObject()) {
            JsonNode op = document.get(0);
            String kind = op.path("op").asText("").toLowerCase(java.util.Locale.ROOT);
            String path = op.path("path").asText("");
            boolean flags = path.equalsIgnoreCase("/Flags") || path.equalsIgnoreCase("Flags");
            return flags && (kind.equals("replace") || kind.equals("add")) && op.has("value") ? op.get("value") : null;
        }
        return null;
    }

    /** Sets or clears the caller's typing flag (rate-limited per credential: {@link TypingRate}) and answers the session as GET does. */
    private void typing(RoutingContext ctx, int id, JsonNode value) {
        Principal caller = Principal.of(ctx);
        int mask = SavedChatSession.flagMask(value);
        if (!caller.isAgent() && (mask & ~ChatSessionFlags.CUSTOMER_IS_TYPING) != 0) {
            throw new ApiException(403, "Forbidden", "session.customerPatch");
        }
        int flag = caller.isAgent() ? ChatSessionFlags.USER_IS_TYPING : ChatSessionFlags.CUSTOMER_IS_TYPING;
        boolean set = (mask & flag) != 0;
        if (!typingRate.tryUpdate(caller.quotaKey(), id, set)) {
            throw ApiException.tooManyRequests(1, "session.typingRateLimited");
        }
        Future<java.util.Optional<Integer>> stored = repository.setTyping(id, flag, set)
                .map(found -> found ? java.util.Optional.of(id) : java.util.Optional.empty());
        if (caller.isAgent()) {
            answer(ctx, id, select(ctx), stored);
        } else {
            Respond.with(ctx, stored.compose(v -> repository.state(id))
                    .map(found -> found.orElseThrow(() -> notFound(id))), state -> sendCustomerView(ctx, state));
        }
    }

    /**
     * GET /api/v1/ChatSession with $select, $filter, $orderBy, $top and $skip: a page of sessions as
     * {@code {"odata.metadata":…,"odata.nextLink":…,"value":[…]}} (nextLink null on the last page).
     */
    public void list(RoutingContext ctx) {
        Select select = select(ctx);
        SessionQuery query = query(ctx, null, null);
        Respond.with(ctx, repository.listSessions(query, select), page -> sendPage(ctx, page, query, select));
    }

    /** GET /api/v1/ChatTopic/{id}/Sessions: the topic's sessions, with the same options as the list. */
    public void topicSessions(RoutingContext ctx) {
        int topic = PathIds.of(ctx);
        Select select = select(ctx);
        SessionQuery query = query(ctx, "topic_id", topic);
        var page = repository.topicExists(topic).compose(exists -> {
            if (!exists) {
                throw ApiException.notFound("topic.unknown", topic);
            }
            return repository.listSessions(query, select);
        });
        Respond.with(ctx, page, sessions -> sendPage(ctx, sessions, query, select));
    }

    /**
     * The Agents' CreateChatSessionForTopic {@code {"ChatTopicId": N}}: a new session in that topic's queue with
     * nothing else set, answered as the Agents API writes an entity (no _Links); null when there is no such topic.
     */
    public void createForTopicCall(RoutingContext ctx) {
        JsonNode body = Bodies.tree(ctx);
        JsonNode id = body.isObject() ? Bodies.field(body, "ChatTopicId") : null;
        if (id == null || !id.isInt() || id.intValue() < 1) {
            throw ApiException.badRequest("property.positive", "ChatTopicId");
        }
        NewChatSession session = new NewChatSession(id.intValue(), null, null, null, null, null, null, null, null, null)
                .validated(clients.of(ctx.request()));
        var created = repository.insertSession(session).compose(found -> found.isEmpty()
                ? Future.succeededFuture(java.util.Optional.<ChatSessionEntity>empty())
                : repository.findSession(found.get()));
        Respond.with(ctx, created, entity -> {
            if (entity.isEmpty()) {
                Json.send(ctx, 200, "ChatSessionEntity", g -> g.writeNull());
            } else {
                sendWithoutLinks(ctx, entity.get());
            }
        });
    }

    /** POST /api/v1/ChatTopic/{id}/Sessions: a new session in that topic's queue (the body's TopicId does not count). */
    public void createInTopic(RoutingContext ctx) {
        int topic = PathIds.of(ctx);
        create(ctx, Bodies.read(ctx, NewChatSession.class).inTopic(topic), () -> ApiException.notFound("topic.unknown", topic));
    }

    private void sendPage(RoutingContext ctx, List<ChatSessionEntity> rows, SessionQuery query, Select select) {
        String base = links.baseUrl(ctx);
        boolean more = rows.size() > query.top();
        List<ChatSessionEntity> page = more ? rows.subList(0, query.top()) : rows;
        String next = more ? base + ctx.request().path() + "?" + withSkip(ctx.request().query(), query.skip() + query.top())
                : null;
        CarrierWriter.Rendering how = new CarrierWriter.Rendering(Principal.of(ctx).isAgent(), Representation.of(ctx),
                select);
        Json.send(ctx, 200, "ChatSessionList", g -> {
            g.writeStartObject();
            g.writeStringField("odata.metadata", base + "/api/v1/$metadata#ChatSession");
            g.writeFieldName("odata.nextLink");
            if (next == null) {
                g.writeNull();
            } else {
                g.writeString(next);
            }
            g.writeFieldName("value");
            g.writeStartArray();
            for (ChatSessionEntity entity : page) {
                entity.writeTo(g, how, base);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** The request's query string (as sent, still encoded) with $skip set to {@code skip}. */
    static String withSkip(String query, int skip) {
        StringBuilder out = new StringBuilder();
        if (query != null) {
            for (String part : query.split("&")) {
                if (!part.isEmpty() && !part.toLowerCase(java.util.Locale.ROOT).startsWith("$skip=")
                        && !part.toLowerCase(java.util.Locale.ROOT).startsWith("%24skip=")) {
                    out.append(part).append('&');
                }
            }
        }
        return out.append("$skip=").append(skip).toString();
    }

    /** GET /api/v1/ChatSession/default: an unsaved session with its defaults (id 0), for a client to fill in. */
    public void defaultEntity(RoutingContext ctx) {
        Select select = select(ctx);
        Respond.with(ctx, repository.defaultSession(), entity -> send(ctx, entity, select));
    }

    /**
     * PUT /api/v1/ChatSession/{id}: replaces the session's writable properties with the body's (what the body
     * leaves out takes its default; TopicId is required), answered as GET would answer it; 404 when absent.
     */
    public void put(RoutingContext ctx) {
        int id = PathIds.of(ctx);
        Select select = select(ctx);
        SavedChatSession session = Bodies.read(ctx, SavedChatSession.class).withId(id);
        answer(ctx, id, select, repository.updateSession(session, ifUnmodifiedSince(ctx), null));
    }

    /**
     * PATCH /api/v1/ChatSession/{id}: a JSON Patch ({@code application/json-patch+json}, an array) or a JSON
     * Merge Patch ({@code application/merge-patch+json}, an object; with {@code application/json} the body's
     * shape decides) applied to the session as GET writes it, then stored as PUT stores it. The session must
     * not change between reading and storing (409 if it did) nor after If-Unmodified-Since (412).
     */
    public void patch(RoutingContext ctx) {
        int id = PathIds.of(ctx);
        Select select = select(ctx);
        String mediaType = mediaType(ctx);
        JsonNode document = Bodies.tree(ctx);
        java.time.OffsetDateTime unmodifiedSince = ifUnmodifiedSince(ctx);
        JsonNode typing = typingValue(document);
        boolean agent = Principal.of(ctx).isAgent();
        if (!agent && typing == null) { // a customer changes nothing but its typing flag
            throw new ApiException(403, "Forbidden", "session.customerPatch");
        }
        if (typing != null && (!agent || unmodifiedSince == null)) {
            typing(ctx, id, typing);
            return;
        }
        answer(ctx, id, select, repository.findSession(id)
                .map(found -> found.orElseThrow(() -> ApiException.notFound("session.notFound", id)))
                .compose(current -> {
                    ObjectNode entity = current.toJson();
                    if (mediaType.equals("application/json-patch+json")
                            || !mediaType.equals("application/merge-patch+json") && document.isArray()) {
                        Patches.jsonPatch(entity, document);
                    } else {
                        Patches.mergePatch(entity, document);
                    }
                    SavedChatSession patched = Bodies.convert(entity, SavedChatSession.class).withId(id);
                    return repository.updateSession(patched, unmodifiedSince, current.updated());
                }));
    }

    private static String mediaType(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        return contentType == null ? "application/json"
                : contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** If-Unmodified-Since as an instant; absent or not an HTTP-date: null (RFC 9110 says to ignore it then). */
    static java.time.OffsetDateTime ifUnmodifiedSince(RoutingContext ctx) {
        String value = ctx.request().getHeader("If-Unmodified-Since");
        if (value == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** DELETE /api/v1/ChatSession/{id}: 204; its messages go with it and its parked polls are answered 404. */
    public void delete(RoutingContext ctx) {
        int id = PathIds.of(ctx);
        Respond.with(ctx, repository.deleteSession(id), deleted -> {
            if (deleted) {
                ctx.response().setStatusCode(204).end();
            } else {
                ctx.fail(ApiException.notFound("session.notFound", id));
            }
        });
    }

    /** POST /api/v1/ChatSession: a new session in the queue, answered as GET would answer it. */
    public void create(RoutingContext ctx) {
        NewChatSession session = Bodies.read(ctx, NewChatSession.class);
        create(ctx, session, () -> ApiException.badRequest("topic.unknown", session.topicId()));
    }

    /** Stores a new session in the queue and answers it as GET would; {@code noTopic} when its topic does not exist. */
    private void create(RoutingContext ctx, NewChatSession sent, java.util.function.Supplier<ApiException> noTopic) {
        NewChatSession session = sent.validated(clients.of(ctx.request()));
        var created = repository.insertSession(session)
                .map(id -> id.orElseThrow(noTopic))
                .compose(repository::findSession)
                .map(found -> found.orElseThrow(() -> new IllegalStateException("the new session vanished")));
        Respond.with(ctx, created, entity -> send(ctx, entity, Select.ALL));
    }

    /**
     * Once {@code stored} has the session's id (empty: it does not exist, 404), answers the session as GET
     * does. GET itself passes its id, already there.
     */
    private void answer(RoutingContext ctx, int id, Select select, Future<java.util.Optional<Integer>> stored) {
        var entity = stored.map(found -> found.orElseThrow(() -> ApiException.notFound("session.notFound", id)))
                .compose(v -> repository.findSession(id, select))
                .map(found -> found.orElseThrow(() -> ApiException.notFound("session.notFound", id)));
        Respond.with(ctx, entity, found -> send(ctx, found, select));
    }

    private static Select select(RoutingContext ctx) {
        return Select.parse(Params.singleQueryParam(ctx, "$select"), Carrier.CHAT_SESSION);
    }

    /** $filter, $orderBy, $top, $skip of a list, within {@code scopeColumn = scopeValue} when given. */
    private static SessionQuery query(RoutingContext ctx, String scopeColumn, Object scopeValue) {
        return SessionQuery.parse(Params.singleQueryParam(ctx, "$filter"), Params.singleQueryParam(ctx, "$orderBy"),
                Params.singleQueryParam(ctx, "$top"), Params.singleQueryParam(ctx, "$skip"), scopeColumn, scopeValue);
    }

    /**
     * GET /api/v1/ChatSession/ForCurrentUser (and the Agents' ChatSessionsForUser): the open sessions in the queue,
     * served by or being transferred to the caller, as the Agents API writes them.
     */
    public void forCurrentUser(RoutingContext ctx) {
        Principal me = Principal.of(ctx);
        if (chatapi.http.Negotiation.eventStream(ctx)) { // the agent's queue, pushed as it changes
            watching.queue(ctx, me.expiresAtMillis(),
                    () -> repository.sessionsForUser(me.associateId(), me.name())
                            .compose(list -> repository.respondingTopics(me.associateId(), me.name())
                                    .map(topics -> queueView(list, topics, Representation.of(ctx)))));
            return;
        }
        Respond.with(ctx, repository.sessionsForUser(me.associateId(), me.name()),
                found -> sendWithoutLinks(ctx, found));
    }

    /** An agent's queue as its stream writes it: the list as ForCurrentUser answers it in JSON, on one line. */
    private static Watching.QueueView queueView(List<ChatSessionEntity> sessions, java.util.Set<Integer> topics,
            Representation representation) {
        CarrierWriter.Rendering how = new CarrierWriter.Rendering(true, representation, Select.ALL);
        io.vertx.core.buffer.Buffer json = Json.buffer(representation, "ArrayOfChatSessionEntity", g -> {
            g.writeStartArray();
            for (ChatSessionEntity s : sessions) {
                s.writeTo(g, how, null);
            }
            g.writeEndArray();
        });
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        java.util.Set<Integer> waiting = new java.util.HashSet<>();
        for (ChatSessionEntity s : sessions) {
            ids.add(s.chatSessionId());
            if ("InQueue".equals(s.status())) {
                waiting.add(s.chatSessionId());
            }
        }
        return new Watching.QueueView(json, ids, waiting, topics);
    }

    /** Sessions as the Agents API writes a list of them: every property, no _Links; XML nests them as messages are. */
    public static void sendWithoutLinks(RoutingContext ctx, List<ChatSessionEntity> sessions) {
        CarrierWriter.Rendering how = new CarrierWriter.Rendering(true, Representation.of(ctx), Select.ALL);
        boolean xml = how.representation().xml();
        Json.send(ctx, 200, "ArrayOfChatSessionEntity", g -> {
            if (xml) { // <ArrayOfChatSessionEntity><ChatSessionEntity>…</ChatSessionEntity>…
                g.writeStartObject();
                g.writeFieldName("ChatSessionEntity");
            }
            g.writeStartArray();
            for (ChatSessionEntity s : sessions) {
                s.writeTo(g, how, null);
            }
            g.writeEndArray();
            if (xml) {
                g.writeEndObject();
            }
        });
    }

    /** The entity as the Agents API and the lifecycle actions answer it: every property, no _Links. */
    public static void sendWithoutLinks(RoutingContext ctx, ChatSessionEntity entity) {
        CarrierWriter.Rendering how = new CarrierWriter.Rendering(true, Representation.of(ctx), Select.ALL);
        Json.send(ctx, 200, "ChatSessionEntity", g -> entity.writeTo(g, how, null));
    }

    private void send(RoutingContext ctx, ChatSessionEntity entity, Select select) {
        ctx.response().putHeader("ETag", entity.etag());
        ctx.response().putHeader("Last-Modified", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(entity.updated().atZoneSameInstant(java.time.ZoneOffset.UTC)));
        CarrierWriter.Rendering how = new CarrierWriter.Rendering(Principal.of(ctx).isAgent(),
                Representation.of(ctx), select);
        Json.send(ctx, 200, "ChatSessionEntity", g -> entity.writeTo(g, how, links.baseUrl(ctx)));
    }
}
