package chatapi.http;

import chatapi.config.Addresses;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Cross-site request forgery, refused before anything is read or checked. A browser sends Basic credentials
 * it has answered a challenge with, and the ticket cookie, on any site's form post; Bearer tokens and the
 * {@code SOTicket} header it never sends by itself. So a request that changes data (POST, PUT, PATCH, DELETE)
 * and would be authenticated by Basic or the cookie (no Authorization header, or a Basic one) is refused 403
 * when the browser marks it as coming from another site: {@code Sec-Fetch-Site: cross-site} or
 * {@code same-site}, or an {@code Origin} that is neither the server's own nor one of {@code allowedOrigins}.
 * Clients that are not browsers send neither header and are not affected.
 *
 * <p>And a request that changes data carries JSON or nothing: a body needs a JSON {@code Content-Type}, and a
 * {@code Content-Type} that is not JSON is refused even without a body (415), so that no HTML form
 * ({@code text/plain}, {@code application/x-www-form-urlencoded}, {@code multipart/form-data}) is obeyed.
 */
public final class CrossSite implements Handler<RoutingContext> {

    private final String publicOrigin;
    private final List<String> allowedOrigins;
    private final ClientAddress clients;

    /**
     * @param publicBaseUrl  the server's public URL, whose origin is its own; null to go by the request's
     *                       scheme (X-Forwarded-Proto from a trusted proxy) and Host header
     * @param allowedOrigins further origins ({@code https://console.example.com}) whose pages may change data
     * @param clients        which proxies' X-Forwarded-Proto is believed
     */
    public CrossSite(String publicBaseUrl, List<String> allowedOrigins, ClientAddress clients) {
        this.publicOrigin = publicBaseUrl == null ? null : Addresses.origin(publicBaseUrl);
        this.allowedOrigins = allowedOrigins;
        this.clients = clients;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!changesData(request.method())) {
            ctx.next();
            return;
        }
        if (ambientCredentials(request) && fromAnotherSite(request)) {
            ctx.fail(new ApiException(403, "Forbidden", "request.crossSite"));
            return;
        }
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType != null ? !Bodies.isJson(contentType) : hasBody(request)) {
            ctx.fail(new ApiException(415, "UnsupportedMediaType", "body.contentType",
                    Errors.echo(contentType == null ? "" : contentType)));
            return;
        }
        ctx.next();
    }

    private static boolean changesData(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH
                || method == HttpMethod.DELETE;
    }

    /** Credentials a browser attaches by itself: Basic, or (without an Authorization header) the ticket cookie. */
    private static boolean ambientCredentials(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        return authorization == null || authorization.trim().regionMatches(true, 0, "Basic", 0, 5);
    }

    private boolean fromAnotherSite(HttpServerRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin != null && allowed(origin.trim(), request)) {
            return false;
        }
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
            return true;
        }
        return origin != null; // an Origin that is not allowed ("null" included)
    }

    private boolean allowed(String origin, HttpServerRequest request) {
        String normalised = Addresses.origin(origin);
        if (normalised == null) {
            return false;
        }
        if (normalised.equals(publicOrigin) || allowedOrigins.contains(normalised)) {
            return true;
        }
        if (publicOrigin != null) {
            return false;
        }
        // Without publicBaseUrl, the page's own server: the browser sets Host to where it sends the request, so
        // a page of another site cannot make the two agree; the scheme must agree too (an http page on the same
        // host is another origin), as the client used it (X-Forwarded-Proto behind a trusted proxy).
        String host = request.getHeader(HttpHeaders.HOST);
        URI uri = URI.create(normalised);
        return host != null && uri.getScheme().equals(clients.scheme(request))
                && authority(uri).equals(withoutDefaultPort(host.toLowerCase(Locale.ROOT)));
    }

    private static String authority(URI origin) {
        return withoutDefaultPort(origin.getHost() + (origin.getPort() >= 0 ? ":" + origin.getPort() : ""));
    }

    private static String withoutDefaultPort(String authority) {
        return authority.endsWith(":80") || authority.endsWith(":443")
                ? authority.substring(0, authority.lastIndexOf(':')) : authority;
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
                || length != null && !length.trim().equals("0");
    }
}
