package chatapi.carrier;

import chatapi.http.DateTimes;
import chatapi.http.Representation;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes carriers straight from database rows through a Jackson generator (JSON or XML), no tree
 * in between. The row's columns are laid out as session/SessionStore selects them: the carrier's
 * properties in catalogue order, a related carrier's columns in place of its property.
 */
public final class CarrierWriter {

    /** Per-request choices: the caller's rights, the representation (format, zone) and $select. */
    public record Rendering(boolean agent, Representation representation, Select select) {

        ZoneId zone() {
            return representation.zone();
        }

        /** SuperOffice's mask names: an agent has every right, a customer reads. */
        String mask() {
            return agent ? "FULL" : "Select";
        }
    }

    private static final List<Carrier> CARRIERS = List.of(Carrier.ASSOCIATE, Carrier.PERSON, Carrier.CONTACT,
            Carrier.PROJECT, Carrier.SALE, Carrier.TICKET, Carrier.CHAT_SESSION);
    /** FieldProperties as JSON text, per carrier and mask: they never change, so JSON writes them raw. */
    private static final Map<String, String> FIELD_PROPERTIES_JSON = new HashMap<>();

    static {
        for (Carrier c : CARRIERS) {
            for (String mask : List.of("FULL", "Select")) {
                FIELD_PROPERTIES_JSON.put(c.name() + "/" + mask, encodeFieldProperties(c, mask));
            }
        }
    }

    private CarrierWriter() {
    }

    /**
     * Writes the properties of the carrier whose first column is at {@code offset}, then its TableRight
     * and FieldProperties, inside an object the caller opens and closes; returns the offset after its
     * columns.
     */
    public static int writeFields(JsonGenerator g, Carrier carrier, Row row, int offset, Rendering how, Select select)
            throws IOException {
        int column = offset;
        for (Property p : carrier.properties()) {
            g.writeFieldName(p.name());
            boolean keep = select.includes(p.name()) || alwaysKept(carrier, p);
            column = p.kind() == Property.Kind.CARRIER
                    ? writeNested(g, p, row, column, how, keep ? select.inside(p.name()) : null)
                    : writeScalar(g, p.kind(), row, column, keep ? how.zone() : null);
        }
        g.writeFieldName("TableRight");
        if (select.includes("TableRight")) {
            g.writeStartObject();
            g.writeStringField("Mask", how.mask());
            g.writeStringField("Reason", "");
            g.writeEndObject();
        } else {
            g.writeNull();
        }
        g.writeFieldName("FieldProperties");
        if (!select.includes("FieldProperties")) {
            g.writeNull();
        } else if (how.representation().xml()) {
            writeFieldProperties(g, carrier, how.mask());
        } else {
            g.writeRawValue(FIELD_PROPERTIES_JSON.get(carrier.name() + "/" + how.mask()));
        }
        return column;
    }

    /** A related object, or null when it is not linked or not selected ({@code inner} null). */
    private static int writeNested(JsonGenerator g, Property p, Row row, int column, Rendering how, Select inner)
            throws IOException {
        Carrier nested = p.nested();
        if (inner == null || row.getValue(column + keyIndex(nested)) == null) {
            g.writeNull();
            return column + columnCount(nested);
        }
        g.writeStartObject();
        int next = writeFields(g, nested, row, column, how, inner);
        g.writeEndObject();
        return next;
    }

    /** One column's value, or null when it is null or not selected ({@code zone} null). */
    private static int writeScalar(JsonGenerator g, Property.Kind kind, Row row, int column, ZoneId zone)
            throws IOException {
        if (zone == null || row.getValue(column) == null) {
            g.writeNull();
            return column + 1;
        }
        switch (kind) {
            case INT -> g.writeNumber(row.getInteger(column));
            case STRING -> g.writeString(row.getString(column));
            case BOOL -> g.writeBoolean(row.getBoolean(column));
            case DOUBLE -> g.writeNumber(row.getDouble(column));
            case DATETIME -> g.writeString(DateTimes.format(row.getOffsetDateTime(column), zone));
            case FLAGS -> g.writeString(ChatSessionFlags.names(row.getInteger(column)));
            case JSON -> writeJson(g, row.getValue(column));
            default -> throw new IllegalStateException("not a scalar: " + kind);
        }
        return column + 1;
    }

    /** A jsonb value (Contact.Address) through the generator, so that XML gets elements too. */
    private static void writeJson(JsonGenerator g, Object value) throws IOException {
        if (value instanceof JsonObject object) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : object) {
                g.writeFieldName(e.getKey());
                writeJson(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof JsonArray array) {
            g.writeStartArray();
            for (Object item : array) {
                writeJson(g, item);
            }
            g.writeEndArray();
        } else if (value == null) {
            g.writeNull();
        } else if (value instanceof Number || value instanceof Boolean) {
            g.writeObject(value);
        } else {
            g.writeString(value.toString());
        }
    }

    private static void writeFieldProperties(JsonGenerator g, Carrier carrier, String mask) throws IOException {
        g.writeStartObject();
        for (Property p : carrier.properties()) {
            g.writeObjectFieldStart(p.name());
            g.writeObjectFieldStart("FieldRight");
            g.writeStringField("Mask", mask);
            g.writeStringField("Reason", "");
            g.writeEndObject();
            g.writeStringField("FieldType", p.fieldType());
            g.writeNumberField("FieldLength", p.length());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static String encodeFieldProperties(Carrier carrier, String mask) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            writeFieldProperties(g, carrier, mask);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** ChatSessionId keeps its value whatever $select says. */
    private static boolean alwaysKept(Carrier carrier, Property p) {
        return carrier == Carrier.CHAT_SESSION && p.name().equals("ChatSessionId");
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
}
