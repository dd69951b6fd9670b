package chatapi.http;

import chatapi.db.Unavailable;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that writes errors: every failure and every unrouted request ends here and gets
 * {@code {"Error":true,"ErrorType":…,"ErrorMessage":…,"ErrorSource":"chat-api"}}.
 */
public final class Errors implements Handler<RoutingContext> {

    /** Statuses the router produces itself (no route, wrong method, …) that also get the error shape. */
    public static final int[] ROUTER_STATUSES = {400, 404, 405, 406, 413, 415, 500};

    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);
    private static final int MAX_ECHO = 100;
    private static final int DATABASE_RETRY_AFTER_SECONDS = 1;
    private static final Map<Integer, String> TYPES = Map.ofEntries(
            Map.entry(400, "BadRequest"),
            Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"),
            Map.entry(404, "SoNotFoundException"),
            Map.entry(405, "MethodNotAllowed"),
            Map.entry(406, "NotAcceptable"),
            Map.entry(409, "Conflict"),
            Map.entry(412, "PreconditionFailed"),
            Map.entry(413, "PayloadTooLarge"),
            Map.entry(415, "UnsupportedMediaType"),
            Map.entry(429, "TooManyRequests"),
            Map.entry(503, "ServiceUnavailable"));

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        if (response.closed() && ctx.failure() instanceof HttpClosedException) {
            // The client went away (mid-body, or cut off by the read timeout): nobody to answer, and nothing the
            // server did wrong, so not an ERROR that any client could write into the log at will. Any other failure
            // goes on below, whether or not its connection is still open.
            LOG.debug("{} {}: the connection closed before the answer: {}", ctx.request().method(), path(ctx),
                    String.valueOf(ctx.failure()));
            return;
        }
        ApiException error = classify(ctx);
        if (response.headWritten()) {
            // Too late for an error body: cut the connection so the client sees a failure, not a short body.
            LOG.warn("{} {} failed after the response started", ctx.request().method(), path(ctx),
                    ctx.failure());
            ctx.request().connection().close();
            return;
        }
        send(ctx, error);
    }

    /**
     * For requests Vert.x could not decode (a malformed request line or header, an unknown HTTP version,
     * a line or headers over the limits): the error shape in English, then the connection is closed.
     * Vert.x's default answers an unknown version with 501; it is the client's error, so 400.
     */
    public static void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        ApiException error = cause instanceof TooLongHttpLineException
                ? new ApiException(414, "UriTooLong", "request.uriTooLong")
                : cause instanceof TooLongHttpHeaderException
                        ? new ApiException(431, "RequestHeaderFieldsTooLarge", "request.headersTooLarge")
                        : ApiException.badRequest("request.malformed");
        request.response()
                .setStatusCode(error.status())
                .putHeader("Content-Type", Representation.DEFAULT.contentType())
                .putHeader("Connection", "close")
                .end(Json.buffer(shape(error, error.message(Texts.ENGLISH))))
                .onComplete(done -> request.connection().close());
    }

    /** Writes the error in the request's negotiated format and language. */
    public static void send(RoutingContext ctx, ApiException error) {
        error.headers().forEach(ctx.response()::putHeader);
        Json.send(ctx, error.status(), "Error", shape(error, error.message(Representation.of(ctx).language())));
    }

    /** The error shape: {@code {"Error":true,"ErrorType":…,"ErrorMessage":…,"ErrorSource":"chat-api"}}. */
    private static Json.Body shape(ApiException error, String message) {
        return g -> {
            g.writeStartObject();
            g.writeBooleanField("Error", true);
            g.writeStringField("ErrorType", error.errorType());
            g.writeStringField("ErrorMessage", message);
            g.writeStringField("ErrorSource", "chat-api");
            g.writeEndObject();
        };
    }

    private static ApiException classify(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof ApiException api) {
            return api;
        }
        if (Unavailable.is(failure)) {
            LOG.warn("{} {}: database unavailable: {}", ctx.request().method(), path(ctx), failure.toString());
            return ApiException.unavailable("database.unavailable", DATABASE_RETRY_AFTER_SECONDS);
        }
        int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
        if (status < 400) {
            status = 500;
        }
        if (status >= 500) {
            LOG.error("{} {} failed", ctx.request().method(), path(ctx), failure);
        }
        String type = TYPES.getOrDefault(status, "InternalServerError");
        String what = ctx.request().method() + " " + echo(path(ctx));
        return switch (status) {
            case 404 -> new ApiException(status, type, "route.notFound", what);
            case 405 -> new ApiException(status, type, "route.methodNotAllowed", what);
            case 406 -> new ApiException(status, type, "status.notAcceptable");
            case 413 -> new ApiException(status, type, "status.payloadTooLarge");
            case 415 -> new ApiException(status, type, "status.unsupportedMediaType");
            case 400 -> new ApiException(status, type, "status.badRequest");
            default -> status >= 500 ? new ApiException(500, type, "status.internal")
                    : new ApiException(status, type, "status.other", status);
        };
    }

    /** The request's path, normalised; as the client sent it when it cannot be decoded ({@code %zz}). */
    public static String path(RoutingContext ctx) {
        try {
            return ctx.normalizedPath();
        } catch (IllegalArgumentException e) {
            return ctx.request().path();
        }
    }

    /** Client input repeated in a message, cut to a bounded length. */
    public static String echo(String input) {
        if (input == null) {
            return "";
        }
        return input.length() <= MAX_ECHO ? input : input.substring(0, MAX_ECHO) + "…";
    }
}
