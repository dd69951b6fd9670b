package chatapi.chat;

import chatapi.http.DateTimes;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes carriers straight from database rows to JSON with Jackson's streaming generator: no
 * intermediate tree. The row's columns are laid out as {@link ChatRepository} selects them: the
 * carrier's properties in catalogue order, a nested carrier's columns in place of its property.
 */
public final class CarrierJson {

    static final JsonFactory FACTORY = new JsonFactory();

    /** FieldProperties never change per carrier: encoded once, at class initialisation. */
    private static final Map<String, String> FIELD_PROPERTIES = new HashMap<>();

    static {
        for (Carrier c : List.of(Carrier.ASSOCIATE, Carrier.PERSON, Carrier.CONTACT, Carrier.PROJECT,
                Carrier.SALE, Carrier.TICKET, Carrier.CHAT_SESSION)) {
            FIELD_PROPERTIES.put(c.name(), encodeFieldProperties(c));
        }
    }

    private CarrierJson() {
    }

    /**
     * Writes the carrier whose first column is at {@code offset}, leaving its object open so the
     * caller may add members (such as {@code _Links}); returns the offset after its columns.
     */
    static int write(JsonGenerator g, Carrier carrier, Row row, int offset, Rendering how) throws IOException {
        g.writeStartObject();
        int column = offset;
        for (Property p : carrier.properties()) {
            g.writeFieldName(p.name());
            column = writeValue(g, p, row, column, how);
        }
        g.writeFieldName("TableRight");
        g.writeStartObject();
        g.writeStringField("Mask", how.tableRightMask());
        g.writeStringField("Reason", "");
        g.writeEndObject();
        g.writeFieldName("FieldProperties");
        g.writeRawValue(fieldProperties(carrier));
        return column;
    }

    private static int writeValue(JsonGenerator g, Property p, Row row, int column, Rendering how)
            throws IOException {
        if (p.kind() == Property.Kind.CARRIER) {
            Carrier nested = p.nested();
            if (row.getValue(column + keyIndex(nested)) == null) {
                g.writeNull();
                return column + columnCount(nested);
            }
            int next = write(g, nested, row, column, how);
            g.writeEndObject();
            return next;
        }
        writeScalar(g, p.kind(), row, column, how.zone());
        return column + 1;
    }

    private static void writeScalar(JsonGenerator g, Property.Kind kind, Row row, int column, ZoneId zone)
            throws IOException {
        if (row.getValue(column) == null) {
            g.writeNull();
            return;
        }
        switch (kind) {
            case INT -> g.writeNumber(row.getInteger(column));
            case STRING -> g.writeString(row.getString(column));
            case BOOL -> g.writeBoolean(row.getBoolean(column));
            case DOUBLE -> g.writeNumber(row.getDouble(column));
            case DATETIME -> g.writeString(DateTimes.format(row.getOffsetDateTime(column), zone));
            case FLAGS -> g.writeString(ChatSessionFlags.names(row.getInteger(column)));
            case JSON -> g.writeRawValue(((JsonObject) row.getValue(column)).encode());
            default -> throw new IllegalStateException("not a scalar: " + kind);
        }
    }

    static int columnCount(Carrier carrier) {
        int count = 0;
        for (Property p : carrier.properties()) {
            count += p.kind() == Property.Kind.CARRIER ? columnCount(p.nested()) : 1;
        }
        return count;
    }

    private static int keyIndex(Carrier carrier) {
        return carrier.properties().indexOf(carrier.key());
    }

    static String fieldProperties(Carrier carrier) {
        return FIELD_PROPERTIES.get(carrier.name());
    }

    private static String encodeFieldProperties(Carrier carrier) {
        JsonObject all = new JsonObject();
        for (Property p : carrier.properties()) {
            all.put(p.name(), new JsonObject()
                    .put("FieldRight", new JsonObject().put("Mask", "FULL").put("Reason", ""))
                    .put("FieldType", p.fieldType())
                    .put("FieldLength", p.length()));
        }
        return all.encode();
    }

    /** Per-request choices that shape the output: the caller's rights and the time zone. */
    public record Rendering(String tableRightMask, ZoneId zone) {
    }
}
