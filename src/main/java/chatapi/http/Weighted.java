package chatapi.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One value of a header that lists weighted values, {@code value *( ";" param ) [ ";q=" qvalue ]} separated by
 * commas (Accept, Accept-Language, Accept-Encoding: RFC 9110 §12.4.2), without its parameters.
 *
 * <p>Read where needed and kept nowhere: vertx-web's parsed headers stay on the routing context for as long as the
 * request, which for a parked poll is about 500 bytes of heap each (BENCHMARKS.md, the parked request's histogram).
 *
 * @param value the value, trimmed, as sent
 * @param q     its weight, 0 to 1 (1 when absent or unreadable)
 */
public record Weighted(String value, float q) {

    /** Values read from one header; the rest are ignored (a header of thousands would cost every request). */
    static final int MAX_VALUES = 32;

    /**
     * The header's first {@value #MAX_VALUES} values, highest weight first (ties keep the header's order); empty for
     * no header.
     */
    public static List<Weighted> parse(String header) {
        if (header == null || header.isBlank()) {
            return List.of();
        }
        List<Weighted> values = new ArrayList<>(4);
        for (String element : split(header, ',')) {
            List<String> parts = split(element, ';');
            String value = parts.get(0).trim();
            if (value.isEmpty()) {
                continue;
            }
            float q = 1;
            for (int i = 1; i < parts.size(); i++) {
                String param = parts.get(i);
                int eq = param.indexOf('=');
                if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("q")) {
                    q = weight(param.substring(eq + 1).trim());
                }
            }
            values.add(new Weighted(value, q));
            if (values.size() == MAX_VALUES) {
                break;
            }
        }
        values.sort(Comparator.comparingDouble((Weighted w) -> w.q).reversed()); // a stable sort
        return values;
    }

    private static float weight(String raw) {
        try {
            float q = Float.parseFloat(raw);
            return Float.isNaN(q) ? 1 : Math.max(0, Math.min(1, q));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The parts of {@code text} between separators outside quoted strings. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>(2);
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                i++;
            } else if (c == separator && !quoted) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }
}
