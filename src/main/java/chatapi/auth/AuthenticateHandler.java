package chatapi.auth;

import chatapi.config.AuthConfig;
import chatapi.http.ClientAddress;
import chatapi.http.DateTimes;
import chatapi.http.Json;
import chatapi.http.Respond;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * POST /api/v1/Authenticate: Basic credentials in; a ticket out, in the body
 * ({@code {"Ticket":"7T:…","Expires":…}}) and as an HttpOnly cookie, with an {@code XSRF-TOKEN}
 * cookie that scripts echo in {@code X-XSRF-TOKEN} when they rely on the ticket cookie.
 */
public final class AuthenticateHandler {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Authenticator authenticator;
    private final Credentials credentials;
    private final AuthConfig config;
    private final ClientAddress clients;

    AuthenticateHandler(Authenticator authenticator, Credentials credentials, AuthConfig config, ClientAddress clients) {
        this.authenticator = authenticator;
        this.credentials = credentials;
        this.config = config;
        this.clients = clients;
    }

    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        Future<Principal> agent = header != null && header.regionMatches(true, 0, "Basic ", 0, 6)
                && ctx.request().headers().getAll("Authorization").size() == 1
                ? authenticator.basic(header.substring(6).trim(), clients.of(ctx.request()))
                : Future.failedFuture(new IllegalArgumentException("Authenticate takes Basic credentials"));
        agent.onFailure(err -> authenticator.refuse(ctx, err))
                .onSuccess(principal -> Respond.with(ctx, credentials.issueTicket(principal.associateId()),
                        issued -> send(ctx, issued)));
    }

    private void send(RoutingContext ctx, Credentials.IssuedTicket issued) {
        byte[] xsrf = new byte[32];
        RANDOM.nextBytes(xsrf);
        ctx.response()
                .addCookie(cookie(Authenticator.TICKET_COOKIE, issued.ticket()).setHttpOnly(true))
                .addCookie(cookie(Authenticator.XSRF_COOKIE,
                        Base64.getUrlEncoder().withoutPadding().encodeToString(xsrf)));
        Json.send(ctx, 200, "Authentication", g -> {
            g.writeStartObject();
            g.writeStringField("Ticket", issued.ticket());
            g.writeStringField("Expires", DateTimes.format(issued.expires(), ZoneOffset.UTC));
            g.writeEndObject();
        });
    }

    private Cookie cookie(String name, String value) {
        return Cookie.cookie(name, value)
                .setPath("/")
                .setMaxAge(config.ticketTtlSeconds())
                .setSameSite(CookieSameSite.LAX)
                .setSecure(config.cookieSecure());
    }
}
