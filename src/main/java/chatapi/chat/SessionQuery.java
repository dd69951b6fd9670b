package chatapi.chat;

import chatapi.http.ApiException;
import chatapi.http.Errors;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The OData-style options of {@code GET /api/v1/ChatSession}: {@code $filter}, {@code $orderBy},
 * {@code $top}, {@code $skip}, turned into a WHERE and an ORDER BY over the session's own (scalar)
 * properties. Property names come from the carrier catalogue (case-insensitive) and become column names;
 * every value is a bound parameter, never SQL text. An expression that cannot be read is a 400 naming the
 * position where reading failed.
 *
 * <pre>
 * filter     := or
 * or         := and ('or' and)*
 * and        := unary ('and' unary)*
 * unary      := 'not' unary | '(' or ')' | function | comparison
 * comparison := Property ('eq'|'ne'|'lt'|'le'|'gt'|'ge') literal
 * function   := ('contains'|'startswith') '(' Property ',' 'text' ')'
 * literal    := 'text' ('' for a quote) | number | true | false | null
 * </pre>
 * Dates are written as text: {@code WhenRequested ge '2026-03-10'} or {@code '2026-03-10T08:00:00+01:00'}.
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
        String where = filter == null || filter.isBlank() ? scope : scope + " AND " + new Parser(filter, params).parse();
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
    private static java.util.Optional<Property> scalar(String name) {
        return Carrier.CHAT_SESSION.properties().stream()
                .filter(p -> p.kind() != Property.Kind.CARRIER && p.name().equalsIgnoreCase(name)).findFirst();
    }

    /** A recursive-descent reader of $filter, writing SQL with $n placeholders and collecting the values. */
    private static final class Parser {
        /** How deep {@code not} and parentheses may nest. */
        static final int MAX_DEPTH = 64;

        private final String text;
        private final List<Object> params;
        private int pos;
        private int depth;

        Parser(String text, List<Object> params) {
            this.text = text;
            this.params = params;
        }

        String parse() {
            String sql = or();
            skipSpace();
            if (pos < text.length()) {
                throw fail("unexpected '" + text.substring(pos, Math.min(text.length(), pos + 10)) + "'");
            }
            return sql;
        }

        /** {@code a or b or c} as one flat SQL list, so that long chains nest neither here nor in PostgreSQL. */
        private String or() {
            List<String> terms = new ArrayList<>(List.of(and()));
            while (keyword("or")) {
                terms.add(and());
            }
            return terms.size() == 1 ? terms.get(0) : "(" + String.join(" OR ", terms) + ")";
        }

        private String and() {
            List<String> terms = new ArrayList<>(List.of(unary()));
            while (keyword("and")) {
                terms.add(unary());
            }
            return terms.size() == 1 ? terms.get(0) : "(" + String.join(" AND ", terms) + ")";
        }

        /** {@code unary := 'not' unary | '(' or ')' | function | comparison} */
        private String unary() {
            skipSpace();
            int at = pos;
            if (keyword("not")) {
                return nested(at, () -> "NOT (" + unary() + ")");
            }
            skipSpace();
            if (peek('(')) {
                pos++;
                return nested(at, this::parenthesised);
            }
            String name = identifier();
            String lower = name.toLowerCase(Locale.ROOT);
            skipSpace();
            if ((lower.equals("contains") || lower.equals("startswith")) && peek('(')) {
                return function(lower, at);
            }
            return comparison(name, at);
        }

        /** The inside of {@code '(' or ')'}, its opening parenthesis read. */
        private String parenthesised() {
            String inner = or();
            expect(')');
            return "(" + inner + ")";
        }

        /** {@code function := ('contains'|'startswith') '(' Property ',' 'text' ')'}, its name read. */
        private String function(String name, int start) {
            pos++;
            Property p = scalar(identifier(), start);
            if (p.kind() != Property.Kind.STRING) {
                throw fail(name + " needs a text property, not " + p.name());
            }
            expect(',');
            skipSpace();
            Object value = literal();
            if (!(value instanceof String s)) {
                throw fail(name + " needs a text value");
            }
            expect(')');
            params.add(s.toLowerCase(Locale.ROOT));
            String column = "lower(s." + p.column() + ")";
            return name.equals("contains") ? "strpos(" + column + ", $" + params.size() + ") > 0"
                    : "starts_with(" + column + ", $" + params.size() + ")";
        }

        /** {@code comparison := Property ('eq'|'ne'|'lt'|'le'|'gt'|'ge') literal}, the property's name read. */
        private String comparison(String name, int start) {
            Property p = scalar(name, start);
            String op = operator();
            skipSpace();
            int valueAt = pos;
            Object value = literal();
            if (value == null) {
                if (!op.equals("=") && !op.equals("<>")) {
                    throw fail("null can only be compared with eq or ne");
                }
                return "s." + p.column() + (op.equals("=") ? " IS NULL" : " IS NOT NULL");
            }
            params.add(typed(p, value, valueAt));
            return "s." + p.column() + " " + op + " $" + params.size();
        }

        /** A {@code not} or a parenthesis: at most {@link #MAX_DEPTH} deep, so that no input can exhaust the stack. */
        private String nested(int at, java.util.function.Supplier<String> inner) {
            if (++depth > MAX_DEPTH) {
                pos = at;
                throw fail("the expression nests deeper than " + MAX_DEPTH + " levels");
            }
            String sql = inner.get();
            depth--;
            return sql;
        }

        private Object typed(Property p, Object value, int at) {
            switch (p.kind()) {
                case INT -> {
                    if (value instanceof Long n && n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                        return n.intValue();
                    }
                }
                case FLAGS -> {
                    if (value instanceof Long n && n >= 0 && n <= 3) {
                        return n.intValue();
                    }
                }
                case STRING -> {
                    if (value instanceof String) {
                        return value;
                    }
                }
                case BOOL -> {
                    if (value instanceof Boolean) {
                        return value;
                    }
                }
                case DATETIME -> {
                    if (value instanceof String s) {
                        OffsetDateTime when = dateTime(s);
                        if (when != null) {
                            return when;
                        }
                    }
                }
                default -> { }
            }
            pos = at;
            throw fail("a value for " + p.name() + " (" + p.kind().name().toLowerCase(Locale.ROOT) + ") was expected");
        }

        private static OffsetDateTime dateTime(String s) {
            try {
                return OffsetDateTime.parse(s);
            } catch (DateTimeParseException e) {
                // next form
            }
            try {
                return LocalDateTime.parse(s).atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                // next form
            }
            try {
                return LocalDate.parse(s).atStartOfDay().atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                return null;
            }
        }

        private Property scalar(String name, int at) {
            return SessionQuery.scalar(name).orElseThrow(() -> {
                pos = at;
                return fail("'" + name + "' is not a property that can be filtered on");
            });
        }

        private String operator() {
            skipSpace();
            int at = pos;
            String word = identifier().toLowerCase(Locale.ROOT);
            return switch (word) {
                case "eq" -> "=";
                case "ne" -> "<>";
                case "lt" -> "<";
                case "le" -> "<=";
                case "gt" -> ">";
                case "ge" -> ">=";
                default -> {
                    pos = at;
                    throw fail("an operator (eq, ne, lt, le, gt, ge) was expected");
                }
            };
        }

        private Object literal() {
            if (peek('\'')) {
                StringBuilder s = new StringBuilder();
                pos++;
                while (true) {
                    if (pos >= text.length()) {
                        throw fail("the text is not closed with '");
                    }
                    char c = text.charAt(pos++);
                    if (c == '\u0000') {
                        pos--;
                        throw fail("a NUL character cannot be compared");
                    }
                    if (c == '\'') {
                        if (peek('\'')) {
                            s.append('\'');
                            pos++;
                        } else {
                            return s.toString();
                        }
                    } else {
                        s.append(c);
                    }
                }
            }
            int start = pos;
            if (pos < text.length() && (text.charAt(pos) == '-' || Character.isDigit(text.charAt(pos)))) {
                pos++;
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
                try {
                    return Long.parseLong(text.substring(start, pos));
                } catch (NumberFormatException e) {
                    pos = start;
                    throw fail("a number was expected");
                }
            }
            String word = identifier().toLowerCase(Locale.ROOT);
            return switch (word) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                case "null" -> null;
                default -> {
                    pos = start;
                    throw fail("a value ('text', a number, true, false or null) was expected");
                }
            };
        }

        private String identifier() {
            skipSpace();
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                pos++;
            }
            if (start == pos) {
                throw fail(pos < text.length() ? "unexpected '" + text.charAt(pos) + "'" : "the expression ends too soon");
            }
            return text.substring(start, pos);
        }

        private boolean keyword(String word) {
            skipSpace();
            int end = pos + word.length();
            if (end <= text.length() && text.regionMatches(true, pos, word, 0, word.length())
                    && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)))) {
                pos = end;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            skipSpace();
            if (!peek(c)) {
                throw fail("'" + c + "' was expected");
            }
            pos++;
        }

        private boolean peek(char c) {
            return pos < text.length() && text.charAt(pos) == c;
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private ApiException fail(String what) {
            return ApiException.badRequest("filter.invalid", pos + 1, Errors.echo(what));
        }
    }
}
