package chatapi.http;

import io.vertx.core.Handler;
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
        ApiException error = classify(ctx);
        HttpServerResponse response = ctx.response();
        if (response.headWritten()) {
            // Too late for an error body: cut the connection so the client sees a failure, not a short body.
            LOG.warn("{} {} failed after the response started", ctx.request().method(), ctx.normalizedPath(),
                    ctx.failure());
            ctx.request().connection().close();
            return;
        }
        send(ctx, error);
    }

    public static void send(RoutingContext ctx, ApiException error) {
        error.headers().forEach(ctx.response()::putHeader);
        Json.send(ctx, error.status(), g -> {
            g.writeStartObject();
            g.writeBooleanField("Error", true);
            g.writeStringField("ErrorType", error.errorType());
            g.writeStringField("ErrorMessage", error.getMessage());
            g.writeStringField("ErrorSource", "chat-api");
            g.writeEndObject();
        });
    }

    private static ApiException classify(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof ApiException api) {
            return api;
        }
        int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
        if (status < 400) {
            status = 500;
        }
        if (status >= 500) {
            LOG.error("{} {} failed", ctx.request().method(), ctx.normalizedPath(), failure);
        }
        return new ApiException(status, TYPES.getOrDefault(status, "InternalServerError"), message(ctx, status));
    }

    private static String message(RoutingContext ctx, int status) {
        String what = ctx.request().method() + " " + echo(ctx.normalizedPath());
        return switch (status) {
            case 404 -> "No resource at " + what;
            case 405 -> "Method not allowed: " + what;
            case 406 -> "None of the media types in Accept can be produced";
            case 413 -> "Request body too large";
            case 415 -> "Unsupported Content-Type";
            case 400 -> "Bad request";
            default -> status >= 500 ? "Internal server error" : "Request failed with status " + status;
        };
    }

    /** Client input repeated in a message, cut to a bounded length. */
    public static String echo(String input) {
        if (input == null) {
            return "";
        }
        return input.length() <= MAX_ECHO ? input : input.substring(0, MAX_ECHO) + "…";
    }
}
