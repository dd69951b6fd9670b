package chatapi.auth;

import chatapi.chat.SessionIds;
import chatapi.http.ApiException;
import io.vertx.ext.web.RoutingContext;

/**
 * Authorization checks, as route handlers after {@link Authenticator}. Both answer 403 before any
 * database work, so the answer is the same whether the resource exists or not.
 */
public final class Access {

    private Access() {
    }

    /** Agents only. */
    public static void agents(RoutingContext ctx) {
        if (Principal.of(ctx).isAgent()) {
            ctx.next();
        } else {
            ctx.fail(ApiException.forbidden());
        }
    }

    /** Agents, and the customer of the session in the path (after {@link SessionIds#parse}). */
    public static void sessionParticipants(RoutingContext ctx) {
        if (Principal.of(ctx).mayUseSession(SessionIds.of(ctx))) {
            ctx.next();
        } else {
            ctx.fail(ApiException.forbidden());
        }
    }
}
