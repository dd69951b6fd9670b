package chatapi.carrier;

import java.util.ArrayList;
import java.util.List;

/** Test view of the carrier catalogue: every stored column with the SQL type its kind needs. */
public final class CatalogueAccess {

    /** A column the catalogue expects, with information_schema's name for its type. */
    public record Column(String table, String column, String sqlType, int length) {
    }

    private CatalogueAccess() {
    }

    public static List<Column> columns() {
        List<Column> columns = new ArrayList<>();
        List<Carrier> carriers = List.of(Carrier.ASSOCIATE, Carrier.PERSON, Carrier.CONTACT, Carrier.PROJECT,
                Carrier.SALE, Carrier.TICKET, Carrier.CHAT_SESSION);
        for (Carrier carrier : carriers) {
            for (Property p : carrier.properties()) {
                columns.add(new Column(carrier.table(), p.column(), sqlType(p.kind()), p.length()));
            }
        }
        return columns;
    }

    private static String sqlType(Property.Kind kind) {
        return switch (kind) {
            case INT, FLAGS, CARRIER -> "integer";
            case STRING -> "character varying";
            case BOOL -> "boolean";
            case DATETIME -> "timestamp with time zone";
            case DOUBLE -> "double precision";
            case JSON -> "jsonb";
        };
    }
}
