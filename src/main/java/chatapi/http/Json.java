package chatapi.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Streams a response body with Jackson's generator and sends it. */
public final class Json {

    public static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final JsonFactory FACTORY = new JsonFactory();

    /** Writes one JSON value with a Jackson generator. */
    @FunctionalInterface
    public interface Body {
        void writeTo(JsonGenerator g) throws IOException;
    }

    private Json() {
    }

    public static Buffer encode(Body body) {
        return Buffer.buffer(bytes(body));
    }

    public static byte[] bytes(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.writeTo(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static void send(RoutingContext ctx, int status, Body body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", CONTENT_TYPE)
                .end(encode(body));
    }
}
