package chatapi.session;

import chatapi.auth.Access;
import chatapi.http.PathIds;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The ChatSession resource (agents; a session's customer may GET it and PATCH its typing flag): the list and creation, one session's GET/PUT/PATCH/DELETE, the
 * lifecycle actions, and a topic's sessions. Each route is named by its OpenAPI operationId (the metrics'
 * route label); fixed paths come before {@code :id}.
 */
public final class SessionRoutes {

    private SessionRoutes() {
    }

    public static void register(Router router, ChatSessionHandler sessions, SessionActions actions,
            Ratings ratings) {
        String all = "/api/v1/ChatSession";
        agents(router, HttpMethod.POST, all, "createChatSession", sessions::create);
        agents(router, HttpMethod.GET, all, "listChatSessions", sessions::list);
        oneSession(router, HttpMethod.GET, "/api/v1/ChatTopic/:id/Sessions", "listChatTopicSessions",
                sessions::topicSessions);
        oneSession(router, HttpMethod.POST, "/api/v1/ChatTopic/:id/Sessions", "createChatTopicSession",
                sessions::createInTopic);
        agents(router, HttpMethod.GET, all + "/default", "getDefaultChatSession", sessions::defaultEntity);
        agents(router, HttpMethod.GET, all + "/ForCurrentUser", "chatSessionsForCurrentUser", sessions::forCurrentUser);
        agents(router, HttpMethod.POST, all + "/Pickup", "pickupFirstChatSession", actions::pickupFirst);
        String one = all + "/:id";
        oneSession(router, HttpMethod.POST, one + "/Pickup", "pickupChatSession", actions::pickup);
        oneSession(router, HttpMethod.POST, one + "/TransferTo/:associate", "transferChatSession", actions::transfer);
        oneSession(router, HttpMethod.POST, one + "/AcceptTransfer", "acceptChatSessionTransfer", actions::accept);
        oneSession(router, HttpMethod.POST, one + "/RejectTransfer", "rejectChatSessionTransfer", actions::reject);
        oneSession(router, HttpMethod.POST, one + "/Reset", "resetChatSession", actions::reset);
        oneSession(router, HttpMethod.POST, one + "/Close", "closeChatSession", actions::close);
        participants(router, HttpMethod.GET, one + "/Rating", "getChatSessionRating", ratings::get);
        participants(router, HttpMethod.PUT, one + "/Rating", "rateChatSession", ratings::put);
        oneSession(router, HttpMethod.POST, one + "/Transcript", "chatSessionTranscript", actions::transcript);
        participants(router, HttpMethod.GET, one, "getChatSession", sessions::get);
        oneSession(router, HttpMethod.PUT, one, "putChatSession", sessions::put);
        participants(router, HttpMethod.PATCH, one, "patchChatSession", sessions::patch);
        oneSession(router, HttpMethod.DELETE, one, "deleteChatSession", sessions::delete);
    }

    private static void agents(Router router, HttpMethod method, String path, String name,
            Handler<RoutingContext> handler) {
        router.route(method, path).setName(name).handler(Access::agents).handler(handler);
    }

    /**
     * A route on one session for agents and for that session's customer (who sees its live state and sets its
     * typing flag, nothing else): the {@code :id} parsed first.
     */
    private static void participants(Router router, HttpMethod method, String path, String name,
            Handler<RoutingContext> handler) {
        router.route(method, path).setName(name).handler(PathIds::parse).handler(Access::sessionParticipants)
                .handler(handler);
    }

    /** A route on one session (or topic), for agents: the {@code :id} parsed first. */
    private static void oneSession(Router router, HttpMethod method, String path, String name,
            Handler<RoutingContext> handler) {
        router.route(method, path).setName(name).handler(PathIds::parse).handler(Access::agents).handler(handler);
    }
}
