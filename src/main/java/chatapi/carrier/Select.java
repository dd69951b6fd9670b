package chatapi.carrier;

import chatapi.http.ApiException;
import chatapi.http.Errors;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code $select=a,b,User/FullName} on a ChatSessionEntity: which properties carry values. Names
 * are case-insensitive; {@code /} reaches into a related object; every other property stays in the
 * body as null ({@code ChatSessionId} and {@code _Links} always keep their values). A name that is
 * not a property is a 400 naming it.
 */
public final class Select {

    /** Everything: no $select. */
    public static final Select ALL = new Select(true, Map.of());
    private static final Select NOTHING = new Select(false, Map.of());
    /** Properties every carrier has besides its catalogue ones. */
    private static final String[] EXTRA = {"TableRight", "FieldProperties"};

    private final boolean all;
    /** Selected property (canonical name) -> what is selected inside it (ALL for scalars and whole objects). */
    private final Map<String, Select> chosen;

    private Select(boolean all, Map<String, Select> chosen) {
        this.all = all;
        this.chosen = chosen;
    }

    /** The selection a {@code $select} value asks for on {@code carrier}; null or blank selects everything. */
    public static Select parse(String raw, Carrier carrier) {
        if (raw == null || raw.isBlank()) {
            return ALL;
        }
        Map<String, Select> top = new HashMap<>();
        Map<String, Map<String, Select>> partial = new HashMap<>();
        for (String item : raw.split(",")) {
            String path = item.trim();
            if (path.isEmpty()) {
                continue;
            }
            String[] parts = path.split("/", -1);
            String first = canonical(carrier, parts[0], path);
            if (parts.length == 1) {
                top.put(first, ALL);
                continue;
            }
            Property p = carrier.properties().stream().filter(x -> x.name().equals(first)).findFirst().orElse(null);
            if (parts.length != 2 || p == null || p.kind() != Property.Kind.CARRIER) {
                throw unknown(path);
            }
            partial.computeIfAbsent(first, k -> new HashMap<>()).put(canonical(p.nested(), parts[1], path), ALL);
        }
        partial.forEach((name, inner) -> top.putIfAbsent(name, new Select(false, Map.copyOf(inner))));
        return new Select(false, Map.copyOf(top));
    }

    public boolean all() {
        return all;
    }

    /** Whether the property carries its value. */
    public boolean includes(String property) {
        return all || chosen.containsKey(property);
    }

    /** What is selected inside a related object (nothing when the object itself is not selected). */
    public Select inside(String property) {
        return all ? ALL : chosen.getOrDefault(property, NOTHING);
    }

    private static String canonical(Carrier carrier, String name, String path) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        for (Property p : carrier.properties()) {
            if (p.name().toLowerCase(Locale.ROOT).equals(lower)) {
                return p.name();
            }
        }
        for (String extra : EXTRA) {
            if (extra.toLowerCase(Locale.ROOT).equals(lower)) {
                return extra;
            }
        }
        if (carrier == Carrier.CHAT_SESSION && lower.equals("_links")) {
            return "_Links";
        }
        throw unknown(path);
    }

    private static ApiException unknown(String path) {
        return ApiException.badRequest("select.unknown", Errors.echo(path));
    }
}
