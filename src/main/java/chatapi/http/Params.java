package chatapi.http;

import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Path and query parameters: int32 as CONTRACT.md section 3 defines them, or a 400 naming the parameter. */
public final class Params {

    private Params() {
    }

    /**
     * Parses {@code raw} as an int32 in {@code [min, Integer.MAX_VALUE]}: plain decimal digits only (no
     * sign, no fraction, no exponent, no surrounding space).
     */
    public static int int32(String name, String raw, int min) {
        if (raw == null || raw.isEmpty() || raw.length() > 10 || !digitsOnly(raw)) {
            throw outOfRange(name, raw, min);
        }
        long value = Long.parseLong(raw);
        if (value < min || value > Integer.MAX_VALUE) {
            throw outOfRange(name, raw, min);
        }
        return (int) value;
    }

    /**
     * First handler for every request: a path or a query string that cannot be decoded (a {@code %} not followed
     * by two hex digits, say) is a 400 naming it, before a route is matched against the path or any handler reads a
     * parameter. Left to the router, such a path failed inside its matching, and again in every handler that
     * asked for the path (an ERROR with its stack trace per request, and a plain-text 400).
     */
    public static void decodable(RoutingContext ctx) {
        try {
            ctx.normalizedPath(); // decoded once and kept: the router's matching reads it from there
        } catch (IllegalArgumentException e) {
            ctx.fail(ApiException.badRequest("path.malformed", Errors.echo(ctx.request().path())));
            return;
        }
        try {
            ctx.queryParams();
        } catch (IllegalArgumentException e) {
            ctx.fail(ApiException.badRequest("query.malformed", Errors.echo(ctx.request().query())));
            return;
        }
        ctx.next();
    }

    /** Longest wait a client may ask for (a long-poll, a GET waiting on an ETag), in seconds. */
    public static final int MAX_WAIT_SECONDS = 120;

    /** The {@code wait} query parameter in seconds (0–{@value #MAX_WAIT_SECONDS}, else 400), or {@code fallback}. */
    public static int waitSeconds(RoutingContext ctx, int fallback) {
        String raw = singleQueryParam(ctx, "wait");
        if (raw == null) {
            return fallback;
        }
        int seconds = int32("wait", raw, 0);
        if (seconds > MAX_WAIT_SECONDS) {
            throw outOfRange("wait", raw, 0, MAX_WAIT_SECONDS);
        }
        return seconds;
    }

    /** The single value of a query parameter, null when absent, a 400 when repeated. */
    public static String singleQueryParam(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.badRequest("param.repeated", name);
        }
        return values.get(0);
    }

    private static boolean digitsOnly(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static ApiException outOfRange(String name, String raw, int min) {
        return outOfRange(name, raw, min, Integer.MAX_VALUE);
    }

    /** 400: {@code name} must be an integer from min to max. */
    public static ApiException outOfRange(String name, String raw, int min, int max) {
        return ApiException.badRequest("param.int32", name, min, max, Errors.echo(raw));
    }
}
