package chatapi.session;

import chatapi.carrier.Carrier;
import chatapi.http.ApiException;
import chatapi.http.Errors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * PATCH documents applied to a ChatSessionEntity as GET writes it: JSON Patch (RFC 6902: add, replace,
 * remove, test, copy, move) and JSON Merge Patch (RFC 7396). Property names in paths and keys are matched
 * in any case and a path's leading {@code /} is optional ({@code customername} is {@code /CustomerName});
 * {@code /User/AssociateId} reaches into a related object. Only the properties a client may write
 * ({@link SavedChatSession}) can be changed; a failed {@code test} is a 409.
 */
final class Patches {

    /** What PATCH may change: SavedChatSession's properties but the id, in the carrier's spelling. */
    private static final Set<String> WRITABLE = Arrays.stream(SavedChatSession.class.getRecordComponents())
            .map(c -> Character.toUpperCase(c.getName().charAt(0)) + c.getName().substring(1))
            .filter(name -> !name.equals("ChatSessionId"))
            .collect(Collectors.toUnmodifiableSet());

    private Patches() {
    }

    /** Applies a JSON Patch (an array of operations) to {@code entity}, in order. */
    static void jsonPatch(ObjectNode entity, JsonNode operations) {
        if (!operations.isArray()) {
            throw ApiException.badRequest("patch.invalid", 0, "a JSON Patch is an array of operations");
        }
        int index = 0;
        for (JsonNode op : operations) {
            index++;
            String kind = text(op, "op", index);
            List<String> path = path(text(op, "path", index), index);
            switch (kind.toLowerCase(Locale.ROOT)) {
                case "add", "replace" -> set(entity, writable(path, index), value(op, index), index);
                case "remove" -> set(entity, writable(path, index), JsonNodeFactory.instance.nullNode(), index);
                case "test" -> {
                    JsonNode actual = get(entity, path, index);
                    if (!same(actual, value(op, index))) {
                        throw new ApiException(409, "Conflict", "patch.testFailed", Errors.echo(String.join("/", path)));
                    }
                }
                case "copy", "move" -> {
                    List<String> from = path(text(op, "from", index), index);
                    JsonNode moved = get(entity, from, index).deepCopy();
                    if (kind.equalsIgnoreCase("move")) {
                        set(entity, writable(from, index), JsonNodeFactory.instance.nullNode(), index);
                    }
                    set(entity, writable(path, index), moved, index);
                }
                default -> throw ApiException.badRequest("patch.invalid", index, "unknown op " + Errors.echo(kind));
            }
        }
    }

    /** Applies a JSON Merge Patch (an object) to {@code entity}: null clears, objects merge, the rest replaces. */
    static void mergePatch(ObjectNode entity, JsonNode patch) {
        if (!patch.isObject()) {
            throw ApiException.badRequest("patch.invalid", 0, "a JSON Merge Patch is an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = writable(List.of(field.getKey()), 0).get(0);
            merge(entity, name, field.getValue());
        }
    }

    private static void merge(ObjectNode target, String name, JsonNode value) {
        String key = existing(target, name);
        JsonNode current = target.get(key);
        if (value.isObject() && current != null && current.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                merge((ObjectNode) current, field.getKey(), field.getValue());
            }
        } else {
            target.set(key, value);
        }
    }

    /** The path's segments; the first names a property the patch may change (else 400). */
    private static List<String> writable(List<String> path, int index) {
        String first = path.get(0);
        String name = WRITABLE.stream().filter(w -> w.equalsIgnoreCase(first)).findFirst().orElse(null);
        if (name == null) {
            boolean known = Carrier.CHAT_SESSION.properties().stream().anyMatch(p -> p.name().equalsIgnoreCase(first))
                    || first.equalsIgnoreCase("ChatSessionId");
            throw known ? ApiException.badRequest("patch.readOnly", Errors.echo(first))
                    : ApiException.badRequest("patch.invalid", index, "no property " + Errors.echo(first));
        }
        List<String> out = new ArrayList<>(path);
        out.set(0, name);
        return out;
    }

    private static void set(ObjectNode entity, List<String> path, JsonNode value, int index) {
        ObjectNode parent = entity;
        for (int i = 0; i < path.size() - 1; i++) {
            String key = existing(parent, path.get(i));
            JsonNode child = parent.get(key);
            if (child == null || child.isNull()) { // setting inside a related object that is not linked yet
                child = parent.putObject(key);
            } else if (!child.isObject()) {
                throw ApiException.badRequest("patch.invalid", index, Errors.echo(String.join("/", path))
                        + " does not lead into an object");
            }
            parent = (ObjectNode) child;
        }
        parent.set(existing(parent, path.get(path.size() - 1)), value);
    }

    private static JsonNode get(ObjectNode entity, List<String> path, int index) {
        JsonNode node = entity;
        for (String segment : path) {
            JsonNode child = node.isObject() ? node.get(existing((ObjectNode) node, segment)) : null;
            if (child == null) {
                throw ApiException.badRequest("patch.invalid", index, "no property " + Errors.echo(String.join("/", path)));
            }
            node = child;
        }
        return node;
    }

    /** The object's own spelling of a key, matched in any case; the key itself when the object has none. */
    private static String existing(ObjectNode object, String key) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.equalsIgnoreCase(key)) {
                return name;
            }
        }
        return key;
    }

    /** RFC 6901 pointer segments ({@code ~1} is {@code /}, {@code ~0} is {@code ~}); the leading slash is optional. */
    private static List<String> path(String pointer, int index) {
        String trimmed = pointer.startsWith("/") ? pointer.substring(1) : pointer;
        if (trimmed.isEmpty()) {
            throw ApiException.badRequest("patch.invalid", index, "the path names no property");
        }
        List<String> segments = new ArrayList<>();
        for (String s : trimmed.split("/", -1)) {
            segments.add(s.replace("~1", "/").replace("~0", "~"));
        }
        return segments;
    }

    private static String text(JsonNode op, String field, int index) {
        JsonNode value = op.isObject() ? op.get(field) : null;
        if (value == null || !value.isTextual()) {
            throw ApiException.badRequest("patch.invalid", index, "'" + field + "' (text) is required");
        }
        return value.textValue();
    }

    private static JsonNode value(JsonNode op, int index) {
        if (!op.has("value")) {
            throw ApiException.badRequest("patch.invalid", index, "'value' is required");
        }
        return op.get("value");
    }

    /** JSON equality, numbers by value (1 and 1.0 are the same). */
    private static boolean same(JsonNode a, JsonNode b) {
        return a.equals((x, y) -> x.isNumber() && y.isNumber()
                ? x.decimalValue().compareTo(y.decimalValue()) : x.equals(y) ? 0 : 1, b);
    }
}
