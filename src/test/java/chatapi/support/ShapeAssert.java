package chatapi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Compares an actual JSON value against a reference sample, recursively, by shape: the same property
 * names (a sample's empty object {@code {}} leaves the names open), the same JSON types (an integral
 * sample number needs an integral value), and date-time strings with an explicit offset. Values
 * themselves are not compared. A {@code FieldProperties} map is compared entry by entry against the
 * sample's single placeholder entry.
 */
public final class ShapeAssert {

    private static final Pattern DATE_TIME =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?[+-]\\d{2}:\\d{2}");

    private ShapeAssert() {
    }

    public static void assertSameShape(Object sample, Object actual) {
        compare(sample, actual, "$");
    }

    private static void compare(Object sample, Object actual, String path) {
        if (sample instanceof JsonObject s) {
            if (!(actual instanceof JsonObject a)) {
                fail(path + ": expected an object, got " + describe(actual));
                return;
            }
            compareObjects(s, a, path);
        } else if (sample instanceof JsonArray s) {
            if (!(actual instanceof JsonArray a)) {
                fail(path + ": expected an array, got " + describe(actual));
                return;
            }
            for (int i = 0; i < a.size(); i++) {
                compare(s.getValue(0), a.getValue(i), path + "[" + i + "]");
            }
        } else if (sample instanceof String s) {
            if (!(actual instanceof String a)) {
                fail(path + ": expected a string, got " + describe(actual));
                return;
            }
            if (DATE_TIME.matcher(s).matches()) {
                assertDateTime(a, path);
            }
        } else if (sample instanceof Boolean) {
            assertTrue(actual instanceof Boolean, path + ": expected a boolean, got " + describe(actual));
        } else if (sample instanceof Number n) {
            assertTrue(actual instanceof Number, path + ": expected a number, got " + describe(actual));
            if (isIntegral(n)) {
                assertTrue(isIntegral((Number) actual), path + ": expected an integer, got " + actual);
            }
        } else {
            fail(path + ": the sample holds an unexpected value " + describe(sample));
        }
    }

    private static void compareObjects(JsonObject sample, JsonObject actual, String path) {
        if (path.endsWith(".FieldProperties")) {
            Object placeholder = sample.iterator().next().getValue();
            assertFalse(actual.isEmpty(), path + ": FieldProperties is empty");
            actual.forEach(e -> compare(placeholder, e.getValue(), path + "." + e.getKey()));
            return;
        }
        if (sample.isEmpty()) {
            return;
        }
        assertEquals(sample.fieldNames(), actual.fieldNames(), path + ": property names differ");
        sample.forEach(e -> compare(e.getValue(), actual.getValue(e.getKey()), path + "." + e.getKey()));
    }

    public static void assertDateTime(String value, String path) {
        assertTrue(DATE_TIME.matcher(value).matches(), path + ": not an ISO-8601 date-time with offset: " + value);
        try {
            OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            fail(path + ": unparseable date-time " + value);
        }
    }

    private static boolean isIntegral(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof java.math.BigInteger;
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName() + " " + value;
    }
}
