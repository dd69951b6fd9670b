package chatapi.http;

/** Checks on client-supplied strings before they reach the database. */
public final class Text {

    private Text() {
    }

    /**
     * The value, or {@code ""} when absent; a 400 naming the property when it is longer than
     * {@code maxLength} characters (code points, as PostgreSQL counts), holds a NUL character (which
     * PostgreSQL cannot store) or another character that XML 1.0 cannot carry (control characters other
     * than tab, line feed and carriage return, U+FFFE, U+FFFF, unpaired surrogates): stored, it could not
     * be answered in every format the API speaks.
     */
    public static String optional(String property, String value, int maxLength) {
        if (value == null) {
            return "";
        }
        if (value.indexOf('\u0000') >= 0) {
            throw ApiException.badRequest("property.nul", property);
        }
        int bad = Json.firstNonXmlChar(value);
        if (bad >= 0) {
            throw ApiException.badRequest("property.character", property,
                    String.format("U+%04X", value.codePointAt(bad)));
        }
        if (value.length() > maxLength && value.codePointCount(0, value.length()) > maxLength) {
            throw ApiException.badRequest("property.tooLong", property, maxLength);
        }
        return value;
    }

    /** As {@link #optional}, and a 400 when absent or empty. */
    public static String required(String property, String value, int maxLength) {
        if (value == null || value.isEmpty()) {
            throw ApiException.badRequest("property.required", property);
        }
        return optional(property, value, maxLength);
    }
}
