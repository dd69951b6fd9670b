package chatapi.session.query;

import chatapi.carrier.Carrier;
import chatapi.carrier.Property;
import chatapi.http.ApiException;
import chatapi.http.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The OData-style options of {@code GET /api/v1/ChatSession}: {@code $filter}, {@code $orderBy},
 * {@code $top}, {@code $skip}, turned into a WHERE and an ORDER BY over the session's own (scalar)
 * properties. Property names come from the carrier catalogue (case-insensitive) and become column names;
 * every value is a bound parameter, never SQL text. An expression that cannot be read is a 400 naming the
 * position where reading failed ({@link FilterParser}).
 */
public final class SessionQuery {

    public static final int DEFAULT_TOP = 100;
    public static final int MAX_TOP = 1000;

    private final String where;
    private final String orderBy;
    private final List<Object> params;
    private final int top;
    private final int skip;

    private SessionQuery(String where, String orderBy, List<Object> params, int top, int skip) {
        this.where = where;
        this.orderBy = orderBy;
        this.params = params;
        this.top = top;
        this.skip = skip;
    }

    /**
     * Parses the options (null or blank ones take their defaults), within the sessions whose
     * {@code scopeColumn} is {@code scopeValue} when a column is given (a topic's sessions).
     */
    public static SessionQuery parse(String filter, String orderBy, String top, String skip, String scopeColumn,
            Object scopeValue) {
        List<Object> params = new ArrayList<>();
        String scope = "TRUE";
        if (scopeColumn != null) {
            params.add(scopeValue);
            scope = "s." + scopeColumn + " = $1";
        }
        String where = filter == null || filter.isBlank() ? scope
                : scope + " AND " + new FilterParser(filter, params).parse();
        return new SessionQuery(where, order(orderBy), params, number("$top", top, DEFAULT_TOP, 1, MAX_TOP),
                number("$skip", skip, 0, 0, Integer.MAX_VALUE));
    }

    public String where() {
        return where;
    }

    public String orderBy() {
        return orderBy;
    }

    public List<Object> params() {
        return params;
    }

    public int top() {
        return top;
    }

    public int skip() {
        return skip;
    }

    private static int number(String name, String raw, int fallback, int min, int max) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ApiException.badRequest("param.int32", name, min, max, Errors.echo(raw));
    }

    /** {@code Prop [asc|desc], …}; the id last, so that pages never overlap. */
    private static String order(String raw) {
        StringBuilder sql = new StringBuilder();
        if (raw != null && !raw.isBlank()) {
            for (String part : raw.split(",")) {
                String[] words = part.trim().split("\\s+");
                if (words.length == 0 || words.length > 2 || words[0].isEmpty()) {
                    throw ApiException.badRequest("orderBy.invalid", Errors.echo(part.trim()));
                }
                Property p = property(words[0], "$orderBy");
                String direction = words.length == 2 ? words[1].toLowerCase(Locale.ROOT) : "asc";
                if (!direction.equals("asc") && !direction.equals("desc")) {
                    throw ApiException.badRequest("orderBy.invalid", Errors.echo(part.trim()));
                }
                sql.append("s.").append(p.column()).append(' ').append(direction.toUpperCase(Locale.ROOT)).append(", ");
            }
        }
        return sql.append("s.chat_session_id").toString();
    }

    /** A scalar property of the session, by name in any case; anything else is a 400 naming it. */
    static Property property(String name, String option) {
        return scalar(name).orElseThrow(() -> ApiException.badRequest("query.property", option, Errors.echo(name)));
    }

    /** The session's own (not related) property of that name, in any case. */
    static java.util.Optional<Property> scalar(String name) {
        return Carrier.CHAT_SESSION.properties().stream()
                .filter(p -> p.kind() != Property.Kind.CARRIER && p.name().equalsIgnoreCase(name)).findFirst();
    }
}
