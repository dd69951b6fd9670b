package chatapi.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.ser.ToXmlGenerator;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import javax.xml.namespace.QName;

/**
 * Streams a response body with a Jackson generator: JSON, or XML through jackson-dataformat-xml's
 * generator (the same calls; a root element name; nulls as {@code xsi:nil="true"}).
 */
public final class Json {

    private static final JsonFactory JSON = new JsonFactory();
    private static final XmlFactory XML = new XmlFactory();
    /** Most bodies (an entity, a page of messages) fit without the buffer growing. */
    private static final int INITIAL_SIZE = 4096;

    /** Writes one value with a Jackson generator. */
    @FunctionalInterface
    public interface Body {
        void writeTo(JsonGenerator g) throws IOException;
    }

    private Json() {
    }

    public static Buffer buffer(Body body) {
        return buffer(Representation.DEFAULT, null, body);
    }

    /**
     * The body in the representation's format; {@code root} names the XML root element. The generator
     * writes straight into the Vert.x buffer that is sent (no intermediate byte array), and one buffer
     * may be sent to many responses: Vert.x writes a slice of it each time.
     */
    public static Buffer buffer(Representation representation, String root, Body body) {
        Buffer out = Buffer.buffer(INITIAL_SIZE);
        try (JsonGenerator g = generator(representation, root, new BufferOutput(out))) {
            body.writeTo(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Sends the body as the request's negotiated representation. A body that cannot be written fails the
     * request (500 in the error shape) instead of leaving it unanswered.
     */
    public static void send(RoutingContext ctx, int status, String root, Body body) {
        Representation representation = Representation.of(ctx);
        Buffer encoded;
        try {
            encoded = buffer(representation, root, body);
        } catch (RuntimeException e) {
            ctx.fail(e);
            return;
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", representation.contentType());
        Compression.end(ctx, encoded);
    }

    private static JsonGenerator generator(Representation representation, String root, OutputStream out)
            throws IOException {
        if (!representation.xml()) {
            return JSON.createGenerator(out);
        }
        ToXmlGenerator xml = XML.createGenerator(out);
        xml.configure(ToXmlGenerator.Feature.WRITE_NULLS_AS_XSI_NIL, true);
        xml.setNextName(new QName(root));
        return xml;
    }

    /** The generator's output: Jackson hands over its own 8 KB chunks, appended to the buffer. */
    private static final class BufferOutput extends OutputStream {
        private final Buffer buffer;

        BufferOutput(Buffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public void write(int b) {
            buffer.appendByte((byte) b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            buffer.appendBytes(bytes, offset, length);
        }
    }
}
