package chatapi.message;

import chatapi.auth.Access;
import chatapi.http.PathIds;
import io.vertx.ext.web.Router;

/**
 * A session's messages, for agents and for the customer of that session: the long-poll GET and the POST, which
 * is rate-limited per credential. Each route is named by its OpenAPI operationId.
 */
public final class MessageRoutes {

    private MessageRoutes() {
    }

    public static void register(Router router, MessagesHandler messages, PostRate postRate) {
        String path = "/api/v1/ChatSession/:id/Messages";
        router.get(path).setName("getChatMessages").handler(PathIds::parse).handler(Access::sessionParticipants)
                .handler(messages::list);
        router.post(path).setName("postChatMessage").handler(PathIds::parse).handler(Access::sessionParticipants)
                .handler(postRate).handler(messages::post);
    }
}
