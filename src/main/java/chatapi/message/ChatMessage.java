package chatapi.message;

import chatapi.http.DateTimes;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/** One row of chat_message, the ChatMessage carrier of the reference page. */
public record ChatMessage(
        int chatMessageId,
        int chatSessionId,
        String type,
        String message,
        String author,
        int readByCustomer,
        String specialType,
        String specialParam,
        OffsetDateTime whenPosted) {

    /** The columns {@link #from(Row)} reads, in its order, for SQL that selects messages. */
    static final String COLUMNS = "m.chat_message_id, m.chat_session_id, m.type, m.message, m.author, "
            + "m.read_by_customer, m.special_type, m.special_param, m.when_posted";

    /** How many columns {@link #COLUMNS} names. */
    static final int COLUMN_COUNT = 9;

    /** Reads a message from the row's columns starting at {@code offset}, laid out as {@link #COLUMNS}. */
    static ChatMessage from(Row row, int offset) {
        return new ChatMessage(
                row.getInteger(offset),
                row.getInteger(offset + 1),
                row.getString(offset + 2),
                row.getString(offset + 3),
                row.getString(offset + 4),
                row.getInteger(offset + 5),
                row.getString(offset + 6),
                row.getString(offset + 7),
                row.getOffsetDateTime(offset + 8));
    }

    public void writeTo(JsonGenerator g, ZoneId zone) throws IOException {
        g.writeStartObject();
        g.writeNumberField("ChatMessageId", chatMessageId);
        g.writeNumberField("ChatSessionId", chatSessionId);
        g.writeStringField("Type", type);
        g.writeStringField("Message", message);
        g.writeStringField("Author", author);
        g.writeNumberField("ReadByCustomer", readByCustomer);
        g.writeStringField("SpecialType", specialType);
        g.writeStringField("SpecialParam", specialParam);
        g.writeStringField("WhenPosted", DateTimes.format(whenPosted, zone));
        g.writeEndObject();
    }
}
