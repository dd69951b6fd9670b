package chatapi.widget;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The reference chat widget: static HTML, CSS and JavaScript from the jar ({@code webroot/widget}),
 * served at {@code /widget/} (the customer's page) and {@code /widget/agent.html} (an agent's page),
 * with headers that keep the pages to their own origin's scripts and styles.
 */
public final class WidgetPages {

    static final String ROOT = "webroot/widget";

    /** Long enough to spare a reload, short enough that a deployment's new pages arrive soon. */
    private static final long MAX_AGE_SECONDS = 300;

    private static final String POLICY = "default-src 'self'; base-uri 'none'; object-src 'none'; "
            + "form-action 'self'; frame-ancestors 'self'";

    private WidgetPages() {
    }

    public static void mount(Router router) {
        router.get("/widget").setName("widgetRedirect").handler(ctx -> {
            if (ctx.request().path().equals("/widget")) { // the route also matches "/widget/"
                ctx.response().setStatusCode(301).putHeader("Location", "/widget/").end();
            } else {
                ctx.next();
            }
        });
        router.route("/widget/*").setName("widgetPages").handler(WidgetPages::headers)
                .handler(StaticHandler.create(ROOT).setMaxAgeSeconds(MAX_AGE_SECONDS).setDirectoryListing(false));
    }

    private static void headers(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Security-Policy", POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer");
        ctx.next();
    }
}
