package chatapi.topic;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * GET ChatTopic/UserAgents as SuperOffice's MDOListItem list: each associate who may be given roles (Id, Name,
 * ToolTip, Deleted, Rank, Type, ChildItems, IconHint, ColorBlock, ExtraInfo, StyleHint, FullName), flat or under
 * one item per user group (GroupIdx). Rows are laid out as {@link TopicStore#ASSOCIATE_COLUMNS}.
 */
final class MdoItems {

    private MdoItems() {
    }

    static void user(JsonGenerator g, Row row) throws IOException {
        item(g, row.getInteger(0), row.getString(1), row.getString(4), row.getBoolean(9), row.getInteger(3),
                row.getString(5), row.getString(7), List.of());
    }

    static void groups(JsonGenerator g, List<Row> rows) throws IOException {
        Map<Integer, List<Row>> byGroup = new TreeMap<>();
        rows.forEach(row -> byGroup.computeIfAbsent(row.getInteger(6), k -> new java.util.ArrayList<>()).add(row));
        for (Map.Entry<Integer, List<Row>> group : byGroup.entrySet()) {
            String name = "Group " + group.getKey();
            item(g, group.getKey(), name, name, false, group.getKey(), "Group", name, group.getValue());
        }
    }

    private static void item(JsonGenerator g, int id, String name, String tooltip, boolean deleted, int rank,
            String type, String fullName, List<Row> children) throws IOException {
        g.writeStartObject();
        g.writeNumberField("Id", id);
        g.writeStringField("Name", name);
        g.writeStringField("ToolTip", tooltip);
        g.writeBooleanField("Deleted", deleted);
        g.writeNumberField("Rank", rank);
        g.writeStringField("Type", type);
        g.writeFieldName("ChildItems");
        g.writeStartArray();
        for (Row child : children) {
            user(g, child);
        }
        g.writeEndArray();
        g.writeStringField("IconHint", "");
        g.writeNumberField("ColorBlock", 0);
        g.writeStringField("ExtraInfo", "");
        g.writeStringField("StyleHint", "");
        g.writeStringField("FullName", fullName);
        g.writeNullField("TableRight");
        g.writeNullField("FieldProperties");
        g.writeEndObject();
    }
}
