package chatapi.session.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.http.ApiException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The $filter/$orderBy/$top/$skip reader without a database: the SQL it writes and the values it binds. */
@DisplayName("SessionQuery: $filter to SQL with bound values, without a database")
class SessionQueryTest {

    private static SessionQuery filter(String filter) {
        return SessionQuery.parse(filter, null, null, null, null, null);
    }

    @Test
    @DisplayName("a comparison becomes its column and a placeholder; the value is bound, typed by the property")
    void comparison() {
        SessionQuery q = filter("TopicId eq 2");
        assertEquals("TRUE AND s.topic_id = $1", q.where());
        assertEquals(List.of(2), q.params());
        assertEquals("s.chat_session_id", q.orderBy());
        assertEquals(SessionQuery.DEFAULT_TOP, q.top());
        assertEquals(0, q.skip());
    }

    @Test
    @DisplayName("and/or chains are flat lists; not and parentheses nest; names in any case")
    void logic() {
        SessionQuery q = filter("topicid eq 1 or TopicId eq 2 or TOPICID eq 3 and not (Status eq 'InQueue')");
        assertEquals("TRUE AND (s.topic_id = $1 OR s.topic_id = $2 OR (s.topic_id = $3 AND NOT ((s.status = $4))))",
                q.where());
        assertEquals(List.of(1, 2, 3, "InQueue"), q.params());
    }

    @Test
    @DisplayName("contains and startswith compare lower case; '' is a quote; null with eq/ne is IS [NOT] NULL")
    void functionsAndLiterals() {
        SessionQuery q = filter("contains(CustomerName,'O''Brien') and startswith(CustomerEmail, 'ADM') and WhenEnded eq null");
        assertEquals("TRUE AND (strpos(lower(s.customer_name), $1) > 0 AND starts_with(lower(s.customer_email), $2)"
                + " AND s.when_ended IS NULL)", q.where());
        assertEquals(List.of("o'brien", "adm"), q.params());
    }

    @Test
    @DisplayName("date-times as text: a date, a local time (UTC) or a time with its offset")
    void dates() {
        assertEquals(List.of(OffsetDateTime.of(2026, 3, 1, 0, 0, 0, 0, ZoneOffset.UTC)),
                filter("WhenRequested ge '2026-03-01'").params());
        assertEquals(List.of(OffsetDateTime.of(2026, 3, 1, 8, 0, 0, 0, ZoneOffset.ofHours(1))),
                filter("WhenRequested lt '2026-03-01T08:00:00+01:00'").params());
    }

    @Test
    @DisplayName("a topic's sessions: the scope column is the first bound value")
    void scope() {
        SessionQuery q = SessionQuery.parse("Status eq 'InQueue'", "CustomerName desc", "10", "20", "topic_id", 7);
        assertEquals("s.topic_id = $1 AND s.status = $2", q.where());
        assertEquals(List.of(7, "InQueue"), q.params());
        assertEquals("s.customer_name DESC, s.chat_session_id", q.orderBy());
        assertEquals(10, q.top());
        assertEquals(20, q.skip());
    }

    @Test
    @DisplayName("64 levels of nesting are read; the 65th is refused at its position; nothing of the input becomes SQL")
    void refusals() {
        filter("not ".repeat(64) + "TopicId eq 1");
        assertMessage("$filter cannot be read at position 257: the expression nests deeper than 64 levels",
                "not ".repeat(65) + "TopicId eq 1");
        assertMessage("$filter cannot be read at position 65: the expression nests deeper than 64 levels",
                "(".repeat(65) + "TopicId eq 1" + ")".repeat(65));
        assertMessage("$filter cannot be read at position 1: 'Bogus' is not a property that can be filtered on",
                "Bogus eq 1");
        assertMessage("$filter cannot be read at position 12: a value for TopicId (int) was expected",
                "TopicId eq 'x'");
        SessionQuery injection = filter("CustomerName eq 'x'' OR 1=1 --'");
        assertEquals("TRUE AND s.customer_name = $1", injection.where());
        assertEquals(List.of("x' OR 1=1 --"), injection.params());
    }

    private static void assertMessage(String expected, String filter) {
        ApiException e = assertThrows(ApiException.class, () -> filter(filter));
        assertEquals(400, e.status());
        assertEquals(expected, e.getMessage());
        assertTrue(e.getMessage().startsWith("$filter"));
    }
}
