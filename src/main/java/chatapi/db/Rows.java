package chatapi.db;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.Optional;

/** Reading results: the helpers every store needs. */
public final class Rows {

    private Rows() {
    }

    /** The first row, or empty when there is none. */
    public static Optional<Row> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    }
}
