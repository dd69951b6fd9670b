package chatapi.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One access line per request, when its response ends: method, route template, status, duration
 * and the calling app's fingerprint. Nothing else of the request: no query string, no headers, no
 * body, so no credentials or messages reach the log.
 */
public final class AccessLog implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger("chatapi.access");
    private static final Pattern NUMBER_SEGMENT = Pattern.compile("/\\d+(?=/|$)");

    @Override
    public void handle(RoutingContext ctx) {
        if (!LOG.isInfoEnabled()) { // access logging off: nothing to keep per request
            ctx.next();
            return;
        }
        long started = System.nanoTime();
        ctx.addEndHandler(done -> {
            if (LOG.isInfoEnabled()) {
                LOG.info("{} {} {} {}ms app={}", ctx.request().method(), template(ctx), ctx.response().getStatusCode(),
                        (System.nanoTime() - started) / 1_000_000, AppTokens.appOf(ctx));
            }
        });
        ctx.next();
    }

    /** The matched route's template, else the path with numeric segments as {id} (bounded, no ids in logs). */
    private static String template(RoutingContext ctx) {
        Route route = ctx.currentRoute();
        if (route != null && route.getPath() != null && !route.getPath().equals("/")) {
            return route.getPath();
        }
        String path = NUMBER_SEGMENT.matcher(Errors.path(ctx)).replaceAll("/{id}");
        return Errors.echo(path);
    }
}
