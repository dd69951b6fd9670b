package chatapi.carrier;

import java.util.Locale;

/**
 * One property of a SuperOffice carrier as chat-api stores and sends it: the JSON name (PascalCase,
 * exactly as in the reference samples), its kind, its column and, for strings, its maximum length.
 * A {@link Kind#CARRIER} property embeds another carrier joined through {@code column}.
 */
public record Property(String name, Kind kind, String column, int length, Carrier nested) {

    /** How a property is stored and written. */
    public enum Kind {
        INT("System.Int32", 4),
        STRING("System.String", 0),
        BOOL("System.Boolean", 1),
        DATETIME("System.DateTime", 8),
        DOUBLE("System.Double", 8),
        /** ChatSession.Flags: an int bit mask in the database, flag names on the wire. */
        FLAGS("System.String", 0),
        /** A structured value kept as jsonb (Contact.Address). */
        JSON("System.Object", 0),
        CARRIER("System.Object", 0);

        private final String dotNetType;
        private final int defaultLength;

        Kind(String dotNetType, int defaultLength) {
            this.dotNetType = dotNetType;
            this.defaultLength = defaultLength;
        }

        public String dotNetType() {
            return dotNetType;
        }
    }

    static Property of(String name, Kind kind) {
        return new Property(name, kind, snakeCase(name), kind.defaultLength, null);
    }

    static Property string(String name, int length) {
        return new Property(name, Kind.STRING, snakeCase(name), length, null);
    }

    static Property carrier(String name, String column, Carrier nested) {
        return new Property(name, Kind.CARRIER, column, 0, nested);
    }

    /** The type name reported in FieldProperties.FieldType. */
    public String fieldType() {
        return kind == Kind.CARRIER ? "SuperOffice.CRM.Services." + nested.name() : kind.dotNetType();
    }

    /** CustomerEmail -> customer_email, URLName -> url_name, Post1 -> post1. */
    static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean upper = Character.isUpperCase(c);
            if (upper && i > 0) {
                char prev = name.charAt(i - 1);
                boolean nextLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
                if (!Character.isUpperCase(prev) || nextLower) {
                    out.append('_');
                }
            }
            out.append(c);
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
