package chatapi.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the representation headers of an {@code /api/v1} request before anything else, so that every
 * answer, errors included, is written the way the caller asked: {@code Accept} (with q-values) picks
 * JSON or XML, {@code SO-Language} over {@code Accept-Language} picks the language of messages (echoed
 * in Content-Language), {@code SO-TimeZone} the zone of date-times. {@code SO-Culture} is validated.
 */
public final class Negotiation implements Handler<RoutingContext> {

    /** What chat-api produces, in the order it prefers on a tie. */
    private static final List<String> PRODUCED = List.of("application/json", "text/json", "application/xml",
            "text/xml", "application/json-patch+json", "application/merge-patch+json");
    private static final Set<String> ISO_LANGUAGES = Set.of(Locale.getISOLanguages());
    /** Server-Sent Events: a session's messages (GET ChatSession/{id}/Messages) and an agent's queue (ForCurrentUser). */
    public static final String EVENT_STREAM = "text/event-stream";
    private static final java.util.regex.Pattern STREAMING_PATH =
            java.util.regex.Pattern.compile("/api/v1/ChatSession/([^/]+/Messages|ForCurrentUser)/?");
    private static final String EVENT_STREAM_KEY = "chatapi.eventStream";

    private final boolean compression;

    public Negotiation(boolean compression) {
        this.compression = compression;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String language = language(ctx);
        ctx.response().putHeader("Content-Language", language);
        List<MediaRange> accept = MediaRange.of(Weighted.parse(ctx.request().getHeader("Accept")));
        String mediaType = mediaType(accept);
        if (streams(ctx, accept, mediaType)) {
            ctx.put(EVENT_STREAM_KEY, true);
            mediaType = PRODUCED.get(0); // the events' data and any error before the stream opens are JSON
        }
        if (mediaType == null) {
            new Representation(Representation.DEFAULT.format(), Representation.DEFAULT.contentType(), ZoneOffset.UTC,
                    language).attach(ctx);
            ctx.fail(new ApiException(406, "NotAcceptable", "status.notAcceptable"));
            return;
        }
        Representation.Format format = mediaType.endsWith("xml") ? Representation.Format.XML : Representation.Format.JSON;
        String contentType = mediaType + "; charset=utf-8";
        String zoneHeader = ctx.request().getHeader("SO-TimeZone");
        String offsetHeader = ctx.request().getHeader("SO-Browser-TZ-Offset");
        ZoneId zone = zone(zoneHeader, offsetHeader);
        new Representation(format, contentType, zone != null ? zone : ZoneOffset.UTC, language).attach(ctx);
        if (zone == null) {
            ctx.fail(ApiException.badRequest("timezone.unknown", Errors.echo(zoneHeader != null
                    && !zoneName(zoneHeader).isEmpty() ? zoneHeader : offsetHeader)));
            return;
        }
        String culture = ctx.request().getHeader("SO-Culture");
        if (culture != null && !isCulture(culture.trim())) {
            ctx.fail(ApiException.badRequest("culture.invalid", Errors.echo(culture)));
            return;
        }
        Compression.negotiate(ctx, compression);
        ctx.next();
    }

    /**
     * Whether the request asked for an event stream, and may have one: {@code text/event-stream} with a higher
     * q-value than any representation chat-api writes (a tie goes to JSON), on the messages route.
     */
    private static boolean streams(RoutingContext ctx, List<MediaRange> accept, String best) {
        float streamQ = accept.isEmpty() ? 0 : quality(accept, EVENT_STREAM);
        return streamQ > 0 && (best == null || streamQ > quality(accept, best))
                && ctx.request().method() == io.vertx.core.http.HttpMethod.GET
                && STREAMING_PATH.matcher(ctx.request().path()).matches();
    }

    /** Whether {@link Negotiation} chose an event stream for the request (only ever on the messages route). */
    public static boolean eventStream(RoutingContext ctx) {
        return Boolean.TRUE.equals(ctx.get(EVENT_STREAM_KEY));
    }

    /**
     * The zone of date-times: {@code SO-TimeZone} (a SuperOffice code or an IANA name; SuperOffice's
     * {@code includeTZOffset} option beside it is accepted, since offsets are always included), else the
     * fixed offset of {@code SO-Browser-TZ-Offset} (minutes east of UTC, as SuperOffice's clients send
     * {@code -Date.getTimezoneOffset()}), else UTC. Null when a header names no zone.
     */
    static ZoneId zone(String zoneHeader, String offsetHeader) {
        String name = zoneHeader == null ? "" : zoneName(zoneHeader);
        if (!name.isEmpty()) {
            return name.contains(",") ? null : TimeZones.resolve(name);
        }
        if (offsetHeader == null || offsetHeader.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            int minutes = Integer.parseInt(offsetHeader.trim());
            return minutes >= -14 * 60 && minutes <= 14 * 60 ? ZoneOffset.ofTotalSeconds(minutes * 60) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** SO-TimeZone without SuperOffice's {@code includeTZOffset} option. */
    private static String zoneName(String zoneHeader) {
        StringBuilder name = new StringBuilder();
        for (String part : zoneHeader.split(",")) {
            if (!part.trim().equalsIgnoreCase("includeTZOffset") && !part.isBlank()) {
                name.append(name.length() > 0 ? "," : "").append(part.trim());
            }
        }
        return name.toString();
    }

    /** The produced media type with the highest q-value (most specific range decides), or null: none acceptable. */
    static String mediaType(List<MediaRange> accept) {
        if (accept.isEmpty()) {
            return PRODUCED.get(0);
        }
        String best = null;
        float bestQ = 0;
        for (String produced : PRODUCED) {
            float q = quality(accept, produced);
            if (q > bestQ) {
                best = produced;
                bestQ = q;
            }
        }
        return best;
    }

    /** A range of Accept, lower-cased and split once per request: {@code type/subtype}, either may be {@code *}. */
    record MediaRange(String type, String subtype, float q) {

        static List<MediaRange> of(List<Weighted> accept) {
            List<MediaRange> ranges = new java.util.ArrayList<>(accept.size());
            for (Weighted range : accept) {
                String value = range.value().toLowerCase(Locale.ROOT);
                int slash = value.indexOf('/');
                ranges.add(slash < 0 ? new MediaRange(value, "*", range.q()) // a bare "*" is "*/*"
                        : new MediaRange(value.substring(0, slash).trim(), value.substring(slash + 1).trim(), range.q()));
            }
            return ranges;
        }
    }

    private static float quality(List<MediaRange> accept, String produced) {
        int slash = produced.indexOf('/');
        String producedType = produced.substring(0, slash);
        String producedSubtype = produced.substring(slash + 1);
        int bestSpecificity = -1;
        float q = 0;
        for (MediaRange range : accept) {
            boolean typeMatches = range.type().equals("*") || range.type().equals(producedType);
            boolean subtypeMatches = range.subtype().equals("*") || range.subtype().equals(producedSubtype);
            if (typeMatches && subtypeMatches) {
                int specificity = (range.type().equals("*") ? 0 : 1) + (range.subtype().equals("*") ? 0 : 1);
                if (specificity > bestSpecificity) {
                    bestSpecificity = specificity;
                    q = range.q();
                }
            }
        }
        return q;
    }

    /**
     * SO-Language wins over Accept-Language. {@code *} or {@code x} turn translation off (English);
     * an unsupported language falls back to English.
     */
    static String language(RoutingContext ctx) {
        String soLanguage = ctx.request().getHeader("SO-Language");
        if (soLanguage != null && !soLanguage.isBlank()) {
            String supported = Texts.supported(soLanguage.trim());
            return supported != null ? supported : Texts.ENGLISH;
        }
        for (Weighted header : Weighted.parse(ctx.request().getHeader("Accept-Language"))) {
            if (header.q() > 0 && !header.value().equals("*")) {
                String supported = Texts.supported(header.value());
                if (supported != null) {
                    return supported;
                }
            }
        }
        return Texts.ENGLISH;
    }

    /** A culture code such as {@code nb-NO}, {@code en-US} or {@code de}: a well-formed tag of a known language. */
    static boolean isCulture(String value) {
        try {
            Locale locale = new Locale.Builder().setLanguageTag(value).build();
            return ISO_LANGUAGES.contains(locale.getLanguage()) && !value.contains("@");
        } catch (IllformedLocaleException e) {
            return false;
        }
    }
}
