package chatapi.session.query;

import chatapi.carrier.Property;
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
 * Where the {@code $filter} language is parsed: a recursive-descent reader, one short method per grammar rule, that
 * writes SQL with {@code $n} placeholders and collects the values (never SQL text from the client). An expression
 * that cannot be read is a 400 naming the position where reading failed.
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
final class FilterParser {

    /** How deep {@code not} and parentheses may nest. */
    static final int MAX_DEPTH = 64;

    private final String text;
    private final List<Object> params;
    private int pos;
    private int depth;

    FilterParser(String text, List<Object> params) {
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
        // Flags as they read now (typing flags expire), as the entity writes them.
        String column = p.kind() == Property.Kind.FLAGS
                ? "chat_session_live_flags(s.flags, s.customer_typing_until, s.user_typing_until)" : "s." + p.column();
        return column + " " + op + " $" + params.size();
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
