package chatapi.http;

import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

/** The base of the absolute URLs in {@code _Links}: the configured public URL, else the request's own. */
public final class Links {

    private final String publicBaseUrl;

    public Links(String publicBaseUrl) {
        this.publicBaseUrl = publicBaseUrl;
    }

    public String baseUrl(RoutingContext ctx) {
        if (publicBaseUrl != null) {
            return publicBaseUrl;
        }
        HostAndPort authority = ctx.request().authority();
        String host = authority != null ? authority.host() : ctx.request().localAddress().host();
        int port = authority != null ? authority.port() : ctx.request().localAddress().port();
        return ctx.request().scheme() + "://" + host + (port > 0 ? ":" + port : "");
    }
}
