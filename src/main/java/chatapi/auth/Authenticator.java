package chatapi.auth;

import chatapi.config.AuthConfig;
import chatapi.db.Unavailable;
import chatapi.http.ApiException;
import chatapi.http.ClientAddress;
import chatapi.http.Errors;
import com.github.benmanes.caffeine.cache.Cache;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code /api/v1} request passes here first: {@code Authorization: Basic}, {@code SOTicket}
 * (scheme case-insensitive) or {@code Bearer}; without that header, the ticket cookie together with
 * an {@code X-XSRF-TOKEN} header equal to the {@code XSRF-TOKEN} cookie. Anything else is a 401
 * whose body never says what was wrong; the reason goes to the log, without secrets.
 *
 * <p>An event stream (GET …/Messages with {@code Accept: text/event-stream}) is opened by a browser's
 * EventSource, which cannot send headers: there, without an Authorization header, a token may come as the
 * {@code access_token} query parameter (RFC 6750 §2.3), and the ticket cookie suffices without the XSRF header
 * (the stream only reads, and the SameSite=Lax cookie is not sent by other sites' pages). The query string is
 * never logged.
 */
public final class Authenticator implements Handler<RoutingContext> {

    public static final String TICKET_COOKIE = "SOTicket";
    public static final String XSRF_COOKIE = "XSRF-TOKEN";
    public static final String XSRF_HEADER = "X-XSRF-TOKEN";
    /** Longest login name (the associate.name column) and password that can be checked. */
    static final int MAX_LOGIN_NAME = 50;
    static final int MAX_PASSWORD = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    private final Credentials credentials;
    private final Tokens tokens;
    private final LoginThrottle throttle;
    private final PasswordChecks passwords;
    private final ClientAddress clients;
    private final String challenge;
    /**
     * The challenge for a page's script ({@code X-Requested-With: XMLHttpRequest}): without Basic, because a
     * browser answers a Basic challenge to fetch() with its own login dialog (and a headless one waits for it
     * forever) instead of handing the 401 to the page.
     */
    private final String scriptChallenge;
    /**
     * Recently verified Basic credentials (keyed by their SHA-256), so that PBKDF2 runs once per login, not per
     * request; null when {@code basicCacheSeconds} is 0. Only a right password gets in, so nobody can fill it.
     */
    private final Cache<String, Principal> verifiedBasic;
    /** Verifications under way: identical credentials arriving together share one PBKDF2 run. */
    private final Map<String, Future<Principal>> verifying = new ConcurrentHashMap<>();

    /** Why a credential was refused: for the log only. */
    private static final class Refused extends RuntimeException {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    Authenticator(Credentials credentials, Tokens tokens, LoginThrottle throttle, PasswordChecks passwords,
            Cache<String, Principal> verifiedBasic, ClientAddress clients, AuthConfig config) {
        this.credentials = credentials;
        this.tokens = tokens;
        this.throttle = throttle;
        this.passwords = passwords;
        this.verifiedBasic = verifiedBasic;
        this.clients = clients;
        this.scriptChallenge = "SOTicket realm=\"chat-api\"" + (tokens != null ? ", Bearer realm=\"chat-api\"" : "");
        this.challenge = "Basic realm=\"chat-api\", " + scriptChallenge;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Future<Principal> principal;
        try {
            principal = authenticate(ctx.request(), chatapi.http.Negotiation.eventStream(ctx));
        } catch (RuntimeException e) {
            // A verifier that throws instead of failing (a malformed token) still refuses with 401.
            principal = refused("malformed credentials: " + e.getClass().getSimpleName());
        }
        // A Basic verification in flight is shared by every request with the same credentials, and its
        // callbacks run on the event loop of the request that started it: continue each request on its own
        // (the HTTP server runs in strict thread mode, see ApiVerticle).
        Context own = Vertx.currentContext();
        principal.onComplete(result -> {
            if (own == null || Vertx.currentContext() == own) {
                proceed(ctx, result);
            } else {
                own.runOnContext(v -> proceed(ctx, result));
            }
        });
    }

    private void proceed(RoutingContext ctx, AsyncResult<Principal> result) {
        if (result.succeeded()) {
            result.result().attach(ctx);
            ctx.next();
        } else {
            refuse(ctx, result.cause());
        }
    }

    /**
     * 401 with the challenge; the reason goes to the log only. A throttled login (429), a full hashing pool and
     * an unreachable database (503) are answered as what they are: retrying later helps, other credentials do not.
     */
    void refuse(RoutingContext ctx, Throwable cause) {
        if (cause instanceof ApiException || Unavailable.is(cause)) {
            LOG.warn("Authentication not checked for {} {} from {}: {}", ctx.request().method(), Errors.path(ctx),
                    clients.of(ctx.request()), cause.getMessage());
            ctx.fail(cause);
            return;
        }
        String reason = cause instanceof Refused ? cause.getMessage() : "error: " + cause.getMessage();
        LOG.warn("Authentication failed for {} {} from {}: {}", ctx.request().method(), Errors.path(ctx),
                clients.of(ctx.request()), reason);
        ctx.fail(ApiException.unauthorized(fromScript(ctx) ? scriptChallenge : challenge));
    }

    private static boolean fromScript(RoutingContext ctx) {
        return "XMLHttpRequest".equalsIgnoreCase(ctx.request().getHeader("X-Requested-With"));
    }

    private Future<Principal> authenticate(HttpServerRequest request, boolean eventStream) {
        List<String> headers = request.headers().getAll("Authorization");
        if (headers.size() > 1) {
            return refused("more than one Authorization header");
        }
        if (headers.isEmpty() && eventStream) {
            List<String> tokens = request.params().getAll("access_token");
            if (tokens.size() > 1) {
                return refused("more than one access_token");
            }
            return tokens.isEmpty() ? cookie(request, false) : bearer(tokens.get(0));
        }
        if (headers.isEmpty()) {
            return cookie(request, true);
        }
        String header = headers.get(0).trim();
        int space = header.indexOf(' ');
        if (space < 0) {
            return refused("malformed Authorization header");
        }
        String credential = header.substring(space + 1).trim();
        return switch (header.substring(0, space).toLowerCase(Locale.ROOT)) {
            case "basic" -> basic(credential, clients.of(request));
            case "soticket" -> ticket(credential);
            case "bearer" -> bearer(credential);
            default -> refused("unsupported scheme");
        };
    }

    private Future<Principal> bearer(String token) {
        if (tokens == null) {
            return refused("Bearer is not configured");
        }
        Future<Principal> verified;
        try {
            verified = tokens.verify(token);
        } catch (RuntimeException e) {
            verified = Future.failedFuture(e);
        }
        return verified.recover(err -> refused("invalid token: " + err.getClass().getSimpleName()
                + (err.getMessage() != null ? " " + err.getMessage() : "")));
    }

    /** The ticket cookie; with {@code xsrf}, only together with a matching X-XSRF-TOKEN header. */
    private Future<Principal> cookie(HttpServerRequest request, boolean xsrf) {
        Cookie ticket = request.getCookie(TICKET_COOKIE);
        if (ticket == null) {
            return refused("no credentials");
        }
        if (!xsrf) {
            return ticket(ticket.getValue());
        }
        Cookie xsrfCookie = request.getCookie(XSRF_COOKIE);
        String xsrfHeader = request.getHeader(XSRF_HEADER);
        if (xsrfCookie == null || xsrfHeader == null || !constantTimeEquals(xsrfCookie.getValue(), xsrfHeader)) {
            return refused("ticket cookie without a matching " + XSRF_HEADER + " header");
        }
        return ticket(ticket.getValue());
    }

    private Future<Principal> ticket(String ticket) {
        return credentials.ticketHolder(ticket)
                .compose(holder -> holder.map(Future::succeededFuture).orElseGet(() -> refused("unknown or expired ticket")));
    }

    /**
     * Basic credentials: the agent they name, checked against the stored hash. A throttled (user, address) is
     * refused whatever it sends; else a login verified lately is answered from the cache, identical credentials
     * in flight share one check, and any other attempt is counted by the throttle before its check starts.
     */
    Future<Principal> basic(String encoded, String address) {
        BasicLogin login = BasicLogin.decode(encoded);
        if (login == null) {
            return refused("malformed Basic credentials");
        }
        if (!login.possible()) {
            // No such agent can exist (associate.name is varchar(50)): refused before anything is counted or hashed.
            return refused("a user name or password no agent can have");
        }
        // An IPv6 client is counted by its /64.
        LoginThrottle.Key throttled = LoginThrottle.key(login.user(), ClientAddress.network(address));
        ApiException refusal = throttle.refusal(throttled);
        if (refusal != null) {
            // Before the cache too: else the cache of a logged-in agent would tell a guesser's right guess
            // (200 at once) from its wrong ones (429), without limit.
            return Future.failedFuture(refusal);
        }
        String cacheKey = cacheKey(login.user(), login.password());
        Principal cached = verifiedBasic == null ? null : verifiedBasic.getIfPresent(cacheKey);
        if (cached != null) {
            return Future.succeededFuture(cached);
        }
        Future<Principal> running = verifying.get(cacheKey);
        return running != null ? running : check(login, throttled, cacheKey);
    }

    /** A Basic login that needs its password checked: counted by the throttle first, shared while it runs. */
    private Future<Principal> check(BasicLogin login, LoginThrottle.Key throttled, String cacheKey) {
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.begin(throttled);
        } catch (ApiException tooMany) {
            return Future.failedFuture(tooMany);
        }
        Future<Principal> verification = verify(login.user(), login.password(), cacheKey, attempt);
        if (!verification.isComplete()) {
            verifying.put(cacheKey, verification);
            verification.onComplete(done -> verifying.remove(cacheKey));
        }
        return verification;
    }

    /** The user name and password of a Basic credential. */
    private record BasicLogin(String user, String password) {

        /** The decoded credential, or null when it is not Base64 of {@code user:password}. */
        static BasicLogin decode(String encoded) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new BasicLogin(decoded.substring(0, colon), decoded.substring(colon + 1));
        }

        /** Whether an agent could have it: a name of 1 to 50 characters, a password of at most 1,024. */
        boolean possible() {
            return !user.isEmpty() && user.codePointCount(0, user.length()) <= MAX_LOGIN_NAME
                    && password.length() <= MAX_PASSWORD;
        }
    }

    private Future<Principal> verify(String user, String password, String cacheKey, LoginThrottle.Attempt attempt) {
        return credentials.agent(user)
                .compose(agent -> passwords.verify(agent.map(Credentials.Agent::passwordHash).orElse(null), password)
                        .map(ok -> ok && agent.isPresent() ? agent.get() : null))
                .transform(checked -> {
                    if (checked.failed()) {
                        attempt.abandoned();
                        return Future.failedFuture(checked.cause());
                    }
                    Credentials.Agent agent = checked.result();
                    if (agent == null) {
                        attempt.failed();
                        return refused("unknown user or wrong password for '" + printable(user) + "'");
                    }
                    attempt.succeeded();
                    Principal principal = Principal.agent(agent.name(), agent.associateId(), null);
                    if (verifiedBasic != null) {
                        verifiedBasic.put(cacheKey, principal);
                    }
                    return Future.succeededFuture(principal);
                });
    }

    private static String cacheKey(String user, String password) {
        byte[] digest = Credentials.sha256(user.toLowerCase(Locale.ROOT) + '\u0000' + password).getBytes();
        return HexFormat.of().formatHex(digest);
    }

    static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** A user name fit for a log line: printable, bounded. */
    private static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        return cut.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    private static <T> Future<T> refused(String reason) {
        return Future.failedFuture(new Refused(reason));
    }
}
