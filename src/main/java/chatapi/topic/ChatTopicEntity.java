package chatapi.topic;

import chatapi.http.DateTimes;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Map;

/** A ChatTopicEntity as read by {@link TopicStore}: the row's columns in {@link TopicField#ALL}'s order. */
record ChatTopicEntity(Row row) {

    /** How a caller sees a topic: everything (agents), or what a customer's widget needs (others null). */
    enum View { AGENT, CUSTOMER }

    int id() {
        return row.getInteger(0);
    }

    boolean openingHoursEnabled() {
        return row.getBoolean(TopicField.ALL.indexOf(TopicField.named("OpeningHoursEnabled")));
    }

    JsonObject openingHours() {
        return (JsonObject) row.getValue(TopicField.ALL.indexOf(TopicField.named("OpeningHours")));
    }

    /**
     * Writes the entity: its properties, TableRight ({@code mask}: FULL for whoever may manage it, else Select)
     * and FieldProperties (null), and {@code _Links} below {@code baseUrl} unless it is null (the Agents API and
     * lists have none).
     */
    void writeTo(JsonGenerator g, View view, String mask, ZoneId zone, String baseUrl) throws IOException {
        g.writeStartObject();
        for (int i = 0; i < TopicField.ALL.size(); i++) {
            TopicField field = TopicField.ALL.get(i);
            g.writeFieldName(field.name());
            Object value = row.getValue(i);
            if (view == View.CUSTOMER && !TopicField.PUBLIC.contains(field.name()) || value == null) {
                g.writeNull();
            } else {
                write(g, field.kind(), value, zone);
            }
        }
        g.writeFieldName("TableRight");
        g.writeStartObject();
        g.writeStringField("Mask", mask);
        g.writeStringField("Reason", "");
        g.writeEndObject();
        g.writeNullField("FieldProperties");
        if (baseUrl != null) {
            g.writeFieldName("_Links");
            g.writeStartObject();
            g.writeStringField("Self", baseUrl + "/api/v1/ChatTopic/" + id());
            g.writeStringField("Archive", baseUrl + "/api/v1/ChatTopic");
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void write(JsonGenerator g, TopicField.Kind kind, Object value, ZoneId zone) throws IOException {
        switch (kind) {
            case ID, INT -> g.writeNumber(((Number) value).intValue());
            case TEXT -> g.writeString((String) value);
            case BOOL -> g.writeBoolean((Boolean) value);
            case DATETIME -> g.writeString(DateTimes.format((OffsetDateTime) value, zone));
            case OBJECT -> writeObject(g, (JsonObject) value);
            default -> throw new IllegalStateException(kind.name());
        }
    }

    /** A stored nested object (checked when written: scalars and objects of scalars). */
    static void writeObject(JsonGenerator g, JsonObject object) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> e : object) {
            g.writeFieldName(e.getKey());
            Object v = e.getValue();
            if (v == null) {
                g.writeNull();
            } else if (v instanceof JsonObject inner) {
                writeObject(g, inner);
            } else if (v instanceof Boolean b) {
                g.writeBoolean(b);
            } else if (v instanceof Number n) {
                g.writeNumber(n.intValue());
            } else {
                g.writeString(v.toString());
            }
        }
        g.writeEndObject();
    }
}
