package chatapi.message;

import chatapi.http.Json;
import chatapi.http.Representation;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;

/**
 * How a list of messages is written, by the messages route and by the long-poll's wake-up alike: a JSON array,
 * or an XML {@code ArrayOfChatMessage} holding {@code ChatMessage} elements.
 */
public final class MessageArray {

    private MessageArray() {
    }

    /** The messages in the representation; throws {@code Json.EncodingFailed} when they cannot be written. */
    public static Buffer encode(List<ChatMessage> messages, Representation representation) {
        return Json.buffer(representation, "ArrayOfChatMessage", g -> {
            if (representation.xml()) {
                g.writeStartObject();
                if (!messages.isEmpty()) {
                    g.writeFieldName("ChatMessage");
                    writeArray(g, messages, representation);
                }
                g.writeEndObject();
            } else {
                writeArray(g, messages, representation);
            }
        });
    }

    private static void writeArray(JsonGenerator g, List<ChatMessage> messages, Representation representation)
            throws IOException {
        g.writeStartArray();
        for (ChatMessage m : messages) {
            m.writeTo(g, representation.zone());
        }
        g.writeEndArray();
    }
}
