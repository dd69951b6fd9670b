package chatapi.auth;

import chatapi.http.ApiException;
import chatapi.http.PathIds;
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

    /** Agents, and the customer of the session in the path (after {@link PathIds#parse}). */
    public static void sessionParticipants(RoutingContext ctx) {
        if (Principal.of(ctx).mayUseSession(PathIds.of(ctx))) {
            ctx.next();
        } else {
            ctx.fail(ApiException.forbidden());
        }
    }
}
