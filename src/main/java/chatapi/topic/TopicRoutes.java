package chatapi.topic;

import chatapi.auth.Access;
import chatapi.http.Links;
import chatapi.http.PathIds;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;

/**
 * The ChatTopic resource (SuperOffice's {@code /api/v1/ChatTopic}): the entity, its opening hours and its agents'
 * roles. Agents only, but for GET {id} and {id}/IsOpen, which the customer of a session in that topic may call
 * too (the handler checks). A topic's sessions ({id}/Sessions) are the session feature's routes. Each route is
 * named by its OpenAPI operationId; fixed paths come before {@code :id}.
 */
public final class TopicRoutes {

    private TopicRoutes() {
    }

    /**
     * GET /dev/ChatTopic/{id}, which the server mounts only with devStartChat (beside POST /dev/StartChat): the topic
     * as the reference widget shows it before a chat starts, without credentials. {@code prepare} handles the
     * request first (content negotiation).
     */
    public static void registerWidgetTopic(Router router, SqlClient pool, Links links, Handler<RoutingContext> prepare) {
        TopicHandler topics = new TopicHandler(new TopicStore(pool), links);
        router.route(HttpMethod.GET, "/dev/ChatTopic/:id").setName("devChatTopic").handler(PathIds::parse)
                .handler(prepare).handler(topics::widgetTopic);
    }

    public static void register(Router router, SqlClient pool, Links links) {
        TopicStore store = new TopicStore(pool);
        TopicHandler topics = new TopicHandler(store, links);
        String all = "/api/v1/ChatTopic";
        agents(router, HttpMethod.GET, all + "/default", "getDefaultChatTopic", topics::defaultEntity);
        agents(router, HttpMethod.GET, all + "/ForCurrentUser", "chatTopicsForCurrentUser", topics::forCurrentUser);
        agents(router, HttpMethod.GET, all + "/UserAgents", "listChatTopicUserAgents", topics::userAgents);
        agents(router, HttpMethod.POST, all, "createChatTopic", topics::create);
        String one = all + "/:id";
        router.route(HttpMethod.GET, one).setName("getChatTopic").handler(PathIds::parse).handler(topics::get);
        router.route(HttpMethod.GET, one + "/IsOpen").setName("chatTopicIsOpen").handler(PathIds::parse)
                .handler(topics::isOpen);
        oneTopic(router, HttpMethod.PUT, one, "putChatTopic", topics::put);
        oneTopic(router, HttpMethod.PATCH, one, "patchChatTopic", topics::patch);
        oneTopic(router, HttpMethod.DELETE, one, "deleteChatTopic", topics::delete);
        oneTopic(router, HttpMethod.GET, one + "/UserAgent", "listChatTopicAgents", topics::agents);
        oneTopic(router, HttpMethod.PUT, one + "/UserAgent", "replaceChatTopicAgents", topics::replaceAgents);
        oneTopic(router, HttpMethod.POST, one + "/UserAgent", "addChatTopicAgent", topics::addAgent);
        oneTopic(router, HttpMethod.GET, one + "/UserAgent/:username", "getChatTopicAgent", topics::agent);
        oneTopic(router, HttpMethod.PUT, one + "/UserAgent/:username", "putChatTopicAgent", topics::putAgent);
        oneTopic(router, HttpMethod.DELETE, one + "/UserAgent/:username", "deleteChatTopicAgent", topics::deleteAgent);
        agents(router, HttpMethod.GET, "/api/v1/Presence/GetAll", "getChatPresence", topics::presence);
        agents(router, HttpMethod.POST, "/api/v1/Presence/SaveAll", "saveChatPresence", topics::savePresence);
        TopicAgentCalls calls = new TopicAgentCalls(topics, store);
        agentsCall(router, "GetChatTopicEntity", calls::getChatTopicEntity);
        agentsCall(router, "SaveChatTopicEntity", calls::saveChatTopicEntity);
        agentsCall(router, "CreateDefaultChatTopicEntity", calls::createDefaultChatTopicEntity);
        agentsCall(router, "DeleteChatTopicEntity", calls::deleteChatTopicEntity);
        agentsCall(router, "IsWithinOpeningHours", calls::isWithinOpeningHours);
        agentsCall(router, "ChatTopicsForUser", calls::chatTopicsForUser);
        agentsCall(router, "GetUserAgentList", calls::getUserAgentList);
        agentsCall(router, "GetChatTopicUserAgentList", calls::getChatTopicUserAgentList);
        agentsCall(router, "GetChatTopicUserAgent", calls::getChatTopicUserAgent);
        agentsCall(router, "AddChatTopicUserAgent", calls::addChatTopicUserAgent);
        agentsCall(router, "UpdateChatTopicUserAgent", calls::updateChatTopicUserAgent);
        agentsCall(router, "UpdateChatTopicUserAgents", calls::updateChatTopicUserAgents);
        agentsCall(router, "DeleteChatTopicUserAgent", calls::deleteChatTopicUserAgent);
        agentsCall(router, "CreateDefaultChatTopicAgent", calls::createDefaultChatTopicAgent);
        agentsCall(router, "GetChatPresence", calls::getChatPresence);
        agentsCall(router, "SaveChatPresence", calls::saveChatPresence);
    }

    /** SuperOffice's Agents API call {@code POST /api/v1/Agents/Chat/<name>}, agents only, named {@code agents<name>}. */
    private static void agentsCall(Router router, String name, Handler<RoutingContext> handler) {
        router.post("/api/v1/Agents/Chat/" + name).setName("agents" + name).handler(Access::agents).handler(handler);
    }

    private static void agents(Router router, HttpMethod method, String path, String name, Handler<RoutingContext> handler) {
        router.route(method, path).setName(name).handler(Access::agents).handler(handler);
    }

    private static void oneTopic(Router router, HttpMethod method, String path, String name,
            Handler<RoutingContext> handler) {
        router.route(method, path).setName(name).handler(PathIds::parse).handler(Access::agents).handler(handler);
    }
}
