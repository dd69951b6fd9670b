package chatapi.topic;

import chatapi.http.ApiException;
import chatapi.http.Errors;
import chatapi.http.Text;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A ChatTopicEntity as a client sends it (POST, PUT, PATCH, the Agents' Save), checked and turned into the
 * values of {@link TopicField#WRITABLE}, in order. Property names match in any case; properties the server keeps
 * (ChatTopicId, LastAccept, SecondsPrAccept, TableRight, FieldProperties, _Links) and unknown ones are ignored, as
 * SuperOffice ignores them; a property left out takes its default. A value of the wrong type, a text too long, a
 * nested property that does not exist or a time that is not {@code HH:mm[:ss]} is a 400 naming it.
 */
final class TopicBody {

    private static final int MAX_NESTED_TEXT = 2000;
    private static final int MAX_FREE_OBJECT_PROPERTIES = 20;

    private TopicBody() {
    }

    static List<Object> values(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("body.object");
        }
        List<Object> values = new ArrayList<>();
        for (TopicField field : TopicField.WRITABLE) {
            values.add(value(field, chatapi.http.Bodies.field(body, field.name())));
        }
        if (((String) values.get(TopicField.WRITABLE.indexOf(TopicField.named("Name")))).isBlank()) {
            throw ApiException.badRequest("property.required", "Name");
        }
        return values;
    }

    private static Object value(TopicField field, JsonNode node) {
        boolean absent = node == null || node.isNull();
        return switch (field.kind()) {
            case TEXT -> Text.optional(field.name(), absent ? "" : text(field.name(), node), field.length());
            case INT -> absent ? 0 : integer(field.name(), node);
            case BOOL -> !absent && bool(field.name(), node);
            case OBJECT -> absent ? null : zoneNamed(nested(field, node));
            default -> throw new IllegalStateException("not writable: " + field.name());
        };
    }

    private static JsonObject nested(TopicField field, JsonNode node) {
        if (!node.isObject()) {
            throw invalid(field.name(), node);
        }
        JsonObject out = new JsonObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = field.name() + "/" + e.getKey();
            Map.Entry<String, TopicField.Kind> known = field.nested().entrySet().stream()
                    .filter(k -> k.getKey().equalsIgnoreCase(e.getKey())).findFirst()
                    .orElseThrow(() -> ApiException.badRequest("property.unknown", Errors.echo(path)));
            JsonNode v = e.getValue();
            if (v.isNull()) {
                out.putNull(known.getKey());
                continue;
            }
            out.put(known.getKey(), switch (known.getValue()) {
                case TEXT -> Text.optional(path, text(path, v), MAX_NESTED_TEXT);
                case INT -> integer(path, v);
                case BOOL -> bool(path, v);
                case TIME -> time(path, v);
                case OBJECT -> free(path, v);
                default -> throw new IllegalStateException(path);
            });
        }
        return out;
    }

    /**
     * Opening hours name their zone in TzLocation/Name (any case): text the server knows, an IANA name or a
     * SuperOffice code; each day's and the lunch break's Start comes before its Stop (no range across midnight).
     */
    private static JsonObject zoneNamed(JsonObject nested) {
        JsonObject location = nested.getValue("TzLocation") instanceof JsonObject o ? o : null;
        if (location != null) {
            for (String key : List.copyOf(location.fieldNames())) {
                if (key.equalsIgnoreCase("Name") && !key.equals("Name")) {
                    location.put("Name", location.remove(key));
                }
            }
            Object name = location.getValue("Name");
            if (name != null && !(name instanceof String text && chatapi.http.TimeZones.resolve(text.trim()) != null)) {
                throw ApiException.badRequest("property.invalidValue", "OpeningHours/TzLocation/Name",
                        Errors.echo(String.valueOf(name)));
            }
        }
        for (String range : List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Lunch")) {
            String start = nested.getString(range + "Start");
            String stop = nested.getString(range + "Stop");
            if (start != null && stop != null && !LocalTime.parse(start).isBefore(LocalTime.parse(stop))) {
                throw ApiException.badRequest("property.invalidValue", "OpeningHours/" + range + "Stop",
                        Errors.echo(stop) + " (not after " + start + ")");
            }
        }
        return nested;
    }

    /** A property name an object may carry, in JSON and as an XML element: a letter, then letters, digits or _. */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,49}");

    /** An object the reference does not spell out (TzLocation, AutoFaqCategory): a few scalar properties. */
    private static JsonObject free(String path, JsonNode node) {
        if (!node.isObject() || node.size() > MAX_FREE_OBJECT_PROPERTIES) {
            throw invalid(path, node);
        }
        JsonObject out = new JsonObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!NAME.matcher(e.getKey()).matches()) {
                throw ApiException.badRequest("property.unknown", Errors.echo(path + "/" + e.getKey()));
            }
            String inner = path + "/" + e.getKey();
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                out.put(e.getKey(), Text.optional(inner, v.textValue(), 255));
            } else if (v.isInt() || v.isBoolean() || v.isNull()) {
                out.put(e.getKey(), v.isNull() ? null : v.isInt() ? (Object) v.intValue() : v.booleanValue());
            } else {
                throw invalid(inner, v);
            }
        }
        return out;
    }

    private static String text(String name, JsonNode node) {
        if (!node.isTextual()) {
            throw invalid(name, node);
        }
        return node.textValue();
    }

    private static int integer(String name, JsonNode node) {
        if (!node.isInt() || node.intValue() < 0) {
            throw invalid(name, node);
        }
        return node.intValue();
    }

    private static boolean bool(String name, JsonNode node) {
        if (!node.isBoolean()) {
            throw invalid(name, node);
        }
        return node.booleanValue();
    }

    /** A time of day as {@code HH:mm} or {@code HH:mm:ss} (.NET's TimeSpan as SuperOffice writes it). */
    private static String time(String name, JsonNode node) {
        String text = text(name, node);
        try {
            return LocalTime.parse(text).toString();
        } catch (DateTimeParseException e) {
            throw invalid(name, node);
        }
    }

    private static ApiException invalid(String name, JsonNode node) {
        return ApiException.badRequest("property.invalidValue", name, Errors.echo(node.toString()));
    }
}
