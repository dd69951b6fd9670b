package chatapi.agents;

import chatapi.auth.Access;
import chatapi.message.PostRate;
import chatapi.session.ChatSessionHandler;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * SuperOffice's Agents API for chat: every call a POST, agents only, named by its OpenAPI operationId
 * ({@code agents} and the call's name); AddChatMessage is rate-limited per credential as a posted message is.
 */
public final class AgentRoutes {

    private static final String CHAT = "/api/v1/Agents/Chat/";

    private AgentRoutes() {
    }

    /** ChatSessionsForUser is the REST ForCurrentUser's handler: the same sessions, written the same way. */
    public static void register(Router router, ChatAgentHandler agents, ChatSessionHandler sessions, PostRate postRate) {
        call(router, "GetChatSessionEntity", agents::getChatSessionEntity);
        call(router, "GetChatMessages", agents::getChatMessages);
        router.post(CHAT + "AddChatMessage").setName("agentsAddChatMessage").handler(Access::agents)
                .handler(postRate).handler(agents::addChatMessage);
        call(router, "CreateDefaultChatSessionEntity", agents::createDefaultChatSessionEntity);
        call(router, "SaveChatSessionEntity", agents::saveChatSessionEntity);
        call(router, "DeleteChatSessionEntity", agents::deleteChatSessionEntity);
        call(router, "ChatSessionsForUser", sessions::forCurrentUser);
        call(router, "CreateChatSessionForTopic", sessions::createForTopicCall);
    }

    private static void call(Router router, String name, Handler<RoutingContext> handler) {
        router.post(CHAT + name).setName("agents" + name).handler(Access::agents).handler(handler);
    }
}
