package chatapi.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.ser.ToXmlGenerator;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.OutputStream;
import javax.xml.namespace.QName;

/**
 * Streams a response body with a Jackson generator: JSON, or XML through jackson-dataformat-xml's
 * generator (the same calls; a root element name; nulls as {@code xsi:nil="true"}).
 *
 * <p>XML 1.0 cannot carry every character JSON can: control characters other than tab, line feed and
 * carriage return, U+FFFE, U+FFFF and unpaired surrogates have no representation, not even as character
 * references. The API refuses them in what it stores ({@link Text}), but rows written by other writers may
 * hold them; in XML each such character is written as U+FFFD, so that every answer stays well-formed.
 */
public final class Json {

    private static final JsonFactory JSON = new JsonFactory();
    private static final XmlFactory XML = new XmlFactory();

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
        BufferOutput out = new BufferOutput();
        try (JsonGenerator g = generator(representation, root, out)) {
            body.writeTo(g);
        } catch (IOException | RuntimeException e) {
            throw new EncodingFailed(root, e);
        }
        return out.buffer();
    }

    /**
     * A body that could not be written (a value the format cannot carry, a date out of range). Not an
     * {@link IOException}, so that it is never mistaken for the database being away: it is a 500 of its own.
     */
    public static final class EncodingFailed extends RuntimeException {
        EncodingFailed(String root, Throwable cause) {
            super("cannot write " + (root == null ? "the body" : root) + ": " + cause, cause);
        }
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
        return new XmlCharacters(xml);
    }

    /** Writes every string with the characters XML 1.0 cannot carry replaced by U+FFFD. */
    private static final class XmlCharacters extends JsonGeneratorDelegate {
        XmlCharacters(JsonGenerator xml) {
            super(xml, false);
        }

        @Override
        public void writeString(String text) throws IOException {
            super.writeString(text == null ? null : xmlSafe(text));
        }

        @Override
        public void writeString(char[] text, int offset, int length) throws IOException {
            writeString(new String(text, offset, length));
        }
    }

    /** The text with each character outside XML 1.0's {@code Char} production replaced by U+FFFD. */
    static String xmlSafe(String text) {
        int i = firstNonXmlChar(text);
        if (i < 0) {
            return text;
        }
        StringBuilder safe = new StringBuilder(text.length()).append(text, 0, i);
        while (i < text.length()) {
            int c = text.codePointAt(i); // an unpaired surrogate comes back as itself, and is not a Char
            safe.appendCodePoint(xmlChar(c) ? c : 0xFFFD);
            i += Character.charCount(c);
        }
        return safe.toString();
    }

    /** The index of the first character XML 1.0 cannot carry, or -1. */
    static int firstNonXmlChar(String text) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!xmlChar(c)) {
                return i;
            }
            i += Character.charCount(c);
        }
        return -1;
    }

    private static boolean xmlChar(int c) {
        return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || c >= 0x10000;
    }

    /**
     * The generator's output. Jackson writes into its own recycled 8,000-byte buffer and hands it over when full
     * or closed, so a body smaller than that arrives in one piece: the Vert.x buffer is made then, at its size
     * (a buffer made beforehand at a guessed size was most of what an answer allocated, BENCHMARKS.md).
     */
    private static final class BufferOutput extends OutputStream {
        private Buffer buffer;

        @Override
        public void write(int b) {
            to(1).appendByte((byte) b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            to(length).appendBytes(bytes, offset, length);
        }

        private Buffer to(int length) {
            if (buffer == null) {
                buffer = Buffer.buffer(length);
            }
            return buffer;
        }

        Buffer buffer() {
            return buffer == null ? Buffer.buffer(0) : buffer;
        }
    }
}
