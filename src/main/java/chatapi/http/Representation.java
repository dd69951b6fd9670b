package chatapi.http;

import io.vertx.ext.web.RoutingContext;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * How a response is written, as {@link Negotiation} chose it from the request's headers: JSON or
 * XML (and the exact Content-Type), the time zone of date-times, and the language of messages.
 */
public record Representation(Format format, String contentType, ZoneId zone, String language) {

    public enum Format { JSON, XML }

    /** JSON, UTC, English: for requests that were not negotiated (health, unknown routes). */
    public static final Representation DEFAULT =
            new Representation(Format.JSON, "application/json; charset=utf-8", ZoneOffset.UTC, Texts.ENGLISH);

    private static final String KEY = "chatapi.representation";

    public static Representation of(RoutingContext ctx) {
        Representation r = ctx.get(KEY);
        return r != null ? r : DEFAULT;
    }

    void attach(RoutingContext ctx) {
        ctx.put(KEY, this);
    }

    public boolean xml() {
        return format == Format.XML;
    }
}
