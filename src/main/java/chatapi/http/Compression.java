package chatapi.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * gzip for answers of {@value #THRESHOLD_BYTES} bytes or more to clients that accept it
 * ({@code Accept-Encoding}; {@code httpCompression}). Done here, per answer, rather than by Vert.x's
 * compressing HTTP server, which keeps a compressor in every connection's pipeline: measured at about
 * 1.2 KB more heap per parked long-poll (9.6 KB against 8.5 KB, 10,000 parked, BENCHMARKS.md), for
 * long-poll answers that are mostly too small to gain from it. Parked polls' answers are sent as they are.
 */
public final class Compression {

    public static final int THRESHOLD_BYTES = 1024;
    private static final String KEY = "chatapi.gzip";

    private Compression() {
    }

    /** Called by {@link Negotiation}: notes whether this request's answer may be gzip-compressed. */
    static void negotiate(RoutingContext ctx, boolean enabled) {
        if (enabled && acceptsGzip(ctx)) {
            ctx.put(KEY, Boolean.TRUE);
        }
    }

    /** Ends the response with the body, gzip-compressed when the request accepts it and the body is large. */
    public static void end(RoutingContext ctx, Buffer body) {
        if (Boolean.TRUE.equals(ctx.get(KEY))) {
            ctx.response().putHeader("Vary", "Accept-Encoding");
            if (body.length() >= THRESHOLD_BYTES) {
                ctx.response().putHeader("Content-Encoding", "gzip").end(gzip(body));
                return;
            }
        }
        ctx.response().end(body);
    }

    static Buffer gzip(Buffer body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length() / 4 + 64);
        try (GZIPOutputStream out = new GZIPOutputStream(bytes, 8192)) {
            out.write(body.getBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(bytes.toByteArray());
    }

    private static boolean acceptsGzip(RoutingContext ctx) {
        return acceptsGzip(ctx.request().getHeader("Accept-Encoding"));
    }

    /** Whether the header accepts gzip: named with a weight above 0, or else {@code *} with one. */
    static boolean acceptsGzip(String acceptEncoding) {
        float gzip = -1;
        float any = -1;
        for (Weighted encoding : Weighted.parse(acceptEncoding)) {
            String name = encoding.value().toLowerCase(Locale.ROOT);
            if (name.equals("gzip") || name.equals("x-gzip")) {
                gzip = Math.max(gzip, encoding.q());
            } else if (name.equals("*")) {
                any = Math.max(any, encoding.q());
            }
        }
        return gzip >= 0 ? gzip > 0 : any > 0;
    }
}
