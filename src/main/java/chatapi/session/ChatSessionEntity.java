package chatapi.session;

import chatapi.carrier.Carrier;
import chatapi.carrier.CarrierWriter;
import chatapi.carrier.Select;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.sqlclient.Row;
import java.io.IOException;

/**
 * A ChatSessionEntity as read by {@link SessionStore#sessionStatement}: the session's row with its
 * User, Person, Contact, Project, Sale, Ticket and TransferTo joined in. Written out column by column.
 */
public record ChatSessionEntity(Row row) {

    public int chatSessionId() {
        return row.getInteger(0);
    }

    /** Its Status (the session's own columns come first, so the first column of that name is its). */
    public String status() {
        return row.getString(row.getColumnIndex("status"));
    }

    /** The entity as GET writes it (JSON, UTC, every property, without _Links), as a tree to patch. */
    public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
        CarrierWriter.Rendering how = new CarrierWriter.Rendering(true, chatapi.http.Representation.DEFAULT, Select.ALL);
        io.vertx.core.buffer.Buffer json = chatapi.http.Json.buffer(chatapi.http.Representation.DEFAULT, null,
                g -> writeTo(g, how, null));
        try {
            return (com.fasterxml.jackson.databind.node.ObjectNode) TREES.readTree(json.getBytes());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper TREES = new com.fasterxml.jackson.databind.ObjectMapper();

    /** When the session last changed (the last column, after the carrier's and the flags as they read now). */
    public java.time.OffsetDateTime updated() {
        return row.getOffsetDateTime(row.size() - 1);
    }

    /** The entity's ETag for agents (see {@link SessionState#etag}). */
    public String etag() {
        return SessionState.agentEtag(updated(), row.getInteger(row.size() - 2));
    }

    /**
     * Writes the entity with {@code _Links} pointing below {@code baseUrl} (scheme://host[:port]), or without
     * them for a null {@code baseUrl} (the Agents API's carriers have none).
     */
    public void writeTo(JsonGenerator g, CarrierWriter.Rendering how, String baseUrl) throws IOException {
        g.writeStartObject();
        CarrierWriter.writeFields(g, Carrier.CHAT_SESSION, row, 0, how, how.select());
        if (baseUrl == null) {
            g.writeEndObject();
            return;
        }
        g.writeFieldName("_Links");
        g.writeStartObject();
        g.writeStringField("Self", baseUrl + "/api/v1/ChatSession/" + chatSessionId());
        g.writeStringField("Archive", baseUrl + "/api/v1/ChatSession");
        g.writeEndObject();
        g.writeEndObject();
    }
}
