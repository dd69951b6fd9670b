package chatapi.chat;

import chatapi.http.Params;
import io.vertx.ext.web.RoutingContext;

/** The {@code {id}} path parameter of the ChatSession routes, parsed once by {@link #parse}. */
public final class SessionIds {

    private static final String KEY = "chatSessionId";

    private SessionIds() {
    }

    /** Route handler: validates {@code {id}} as an int32 of at least 1, or fails the request with 400. */
    public static void parse(RoutingContext ctx) {
        ctx.put(KEY, Params.int32("id", ctx.pathParam("id"), 1));
        ctx.next();
    }

    public static int of(RoutingContext ctx) {
        return ctx.<Integer>get(KEY);
    }
}
