package chatapi.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.ser.ToXmlGenerator;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.xml.namespace.QName;

/**
 * Streams a response body with a Jackson generator: JSON, or XML through jackson-dataformat-xml's
 * generator (the same calls; a root element name; nulls as {@code xsi:nil="true"}).
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

    public static byte[] bytes(Body body) {
        return bytes(Representation.DEFAULT, null, body);
    }

    /** The body in the representation's format; {@code root} names the XML root element. */
    public static byte[] bytes(Representation representation, String root, Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = generator(representation, root, out)) {
            body.writeTo(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Sends the body as the request's negotiated representation. */
    public static void send(RoutingContext ctx, int status, String root, Body body) {
        Representation representation = Representation.of(ctx);
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", representation.contentType())
                .end(Buffer.buffer(bytes(representation, root, body)));
    }

    private static JsonGenerator generator(Representation representation, String root, ByteArrayOutputStream out)
            throws IOException {
        if (!representation.xml()) {
            return JSON.createGenerator(out);
        }
        ToXmlGenerator xml = XML.createGenerator(out);
        xml.configure(ToXmlGenerator.Feature.WRITE_NULLS_AS_XSI_NIL, true);
        xml.setNextName(new QName(root));
        return xml;
    }
}
