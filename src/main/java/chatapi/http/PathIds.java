package chatapi.http;

import io.vertx.ext.web.RoutingContext;

/** The {@code {id}} path parameter of the routes that name a session or a topic, parsed once by {@link #parse}. */
public final class PathIds {

    private static final String KEY = "chatSessionId";

    private PathIds() {
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
