package chatapi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /api/v1/ChatSession with $select, $filter, $orderBy, $top, $skip; GET and POST ChatTopic/{id}/Sessions. */
@ExtendWith(VertxExtension.class)
@DisplayName("GET ChatSession (OData-style list) and ChatTopic/{id}/Sessions")
class SessionListTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    /** Five sessions named "Query A" … "Query E", requested a day apart (A oldest), topics and states mixed. */
    private static final List<Integer> IDS = new ArrayList<>();

    @BeforeAll
    static void sessions() throws SQLException {
        String[][] rows = {
            {"A", "1", "InQueue", "2026-01-01T10:00:00Z", "a@example.com"},
            {"B", "2", "UserLast", "2026-01-02T10:00:00Z", ""},
            {"C", "1", "Closed", "2026-01-03T10:00:00Z", "c@EXAMPLE.com"},
            {"D", "2", "InQueue", "2026-01-04T10:00:00Z", ""},
            {"E", "1", "CustomerLast", "2026-01-05T10:00:00Z", "o'brien@example.com"}};
        try (Connection c = DB.connect(); Statement st = c.createStatement()) {
            for (String[] r : rows) {
                try (ResultSet rs = st.executeQuery("INSERT INTO chat_session (topic_id, customer_name, status, when_requested,"
                        + " customer_email) VALUES (" + r[1] + ", 'Query " + r[0] + "', '" + r[2] + "', '" + r[3] + "', '"
                        + r[4].replace("'", "''") + "') RETURNING chat_session_id")) {
                    rs.next();
                    IDS.add(rs.getInt(1));
                }
            }
        }
    }

    private static Future<TestApp.Response> list(String... options) {
        StringBuilder query = new StringBuilder("/api/v1/ChatSession?");
        for (int i = 0; i + 1 < options.length; i += 2) {
            query.append(options[i]).append('=').append(URLEncoder.encode(options[i + 1], StandardCharsets.UTF_8)).append('&');
        }
        return app.get(query.toString());
    }

    /** The ids of the "Query" sessions a filter picks, in the answer's order, as letters. */
    private static Future<String> letters(String filter, String... more) {
        List<String> options = new ArrayList<>(List.of("$filter", "startswith(CustomerName, 'query ')"
                + (filter.isEmpty() ? "" : " and (" + filter + ")"), "$select", "CustomerName"));
        options.addAll(List.of(more));
        return list(options.toArray(String[]::new)).map(r -> {
            assertEquals(200, r.status(), r.body().toString());
            StringBuilder out = new StringBuilder();
            for (Object o : r.json().getJsonArray("value")) {
                out.append(((JsonObject) o).getString("CustomerName").substring(6));
            }
            return out.toString();
        });
    }

    @Test
    @DisplayName("answers {odata.metadata, odata.nextLink, value} with entities (and _Links), $select applied")
    void shape(VertxTestContext ctx) {
        list("$select", "CustomerName,Status", "$filter", "CustomerName eq 'Query B'")
                .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
                    assertEquals(200, r.status());
                    JsonObject body = r.json();
                    assertTrue(body.getString("odata.metadata").endsWith("/api/v1/$metadata#ChatSession"));
                    assertTrue(body.containsKey("odata.nextLink"));
                    assertNull(body.getValue("odata.nextLink"));
                    JsonArray value = body.getJsonArray("value");
                    assertEquals(1, value.size());
                    JsonObject b = value.getJsonObject(0);
                    assertEquals(IDS.get(1), b.getInteger("ChatSessionId"));
                    assertEquals("UserLast", b.getString("Status"));
                    assertNull(b.getValue("TopicId"), "not selected");
                    assertTrue(b.getJsonObject("_Links").getString("Self").endsWith("/api/v1/ChatSession/" + IDS.get(1)));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("$filter: eq ne lt le gt ge, and/or/not, parentheses, contains/startswith (any case), dates, null; $orderBy")
    void filters(VertxTestContext ctx) {
        Future.all(List.of(
                        letters("Status eq 'InQueue'"),
                        letters("status ne 'InQueue'"),
                        letters("TopicId eq 1 and not (Status eq 'Closed')"),
                        letters("TopicId eq 2 or Status eq 'Closed'"),
                        letters("WhenRequested ge '2026-01-03' and WhenRequested lt '2026-01-05T10:00:00Z'"),
                        letters("WhenRequested le '2026-01-02T11:00:00+01:00'"),
                        letters("WhenRequested gt '2026-01-04T10:00:00'"),
                        letters("contains(CustomerEmail, 'EXAMPLE.COM')"),
                        letters("CustomerEmail eq 'o''brien@example.com'"),
                        letters("WhenStarted eq null and CustomerEmail ne ''"),
                        letters("", "$orderBy", "TopicId desc, WhenRequested desc"),
                        letters("CustomerName eq 'x'' OR ''1''=''1'")))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    String[] expected = {"AD", "BCE", "AE", "BCD", "CD", "AB", "E", "ACE", "E", "ACE", "DBECA", ""};
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], all.resultAt(i), "filter " + i);
                    }
                    assertEquals("5", DB.value("SELECT count(*) FROM chat_session WHERE customer_name LIKE 'Query %'"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("$top and $skip page through; nextLink leads to the next page and is null on the last; pages never overlap")
    void paging(VertxTestContext ctx) {
        String filter = "startswith(CustomerName,'Query')";
        list("$filter", filter, "$top", "2", "$select", "CustomerName", "$orderBy", "CustomerName")
                .compose(first -> {
                    String next = first.json().getString("odata.nextLink");
                    ctx.verify(() -> assertTrue(next.contains("$skip=2") && next.contains("$top=2"), next));
                    return app.get(next.substring(next.indexOf("/api/v1/"))).compose(second -> {
                        String last = second.json().getString("odata.nextLink");
                        return app.get(last.substring(last.indexOf("/api/v1/")))
                                .map(third -> List.of(first, second, third));
                    });
                })
                .onComplete(ctx.succeeding(pages -> ctx.verify(() -> {
                    StringBuilder seen = new StringBuilder();
                    for (TestApp.Response page : pages) {
                        for (Object o : page.json().getJsonArray("value")) {
                            seen.append(((JsonObject) o).getString("CustomerName").substring(6));
                        }
                    }
                    assertEquals("ABCDE", seen.toString());
                    assertNull(pages.get(2).json().getValue("odata.nextLink"));
                    assertEquals(1, pages.get(2).json().getJsonArray("value").size());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("an invalid expression, an unknown or unfilterable property, a bad $orderBy, $top or $skip is a 400 naming it; customers get 403")
    void refusals(VertxTestContext ctx) {
        Future.all(List.of(
                        list("$filter", "Status eq 'InQueue' and"),
                        list("$filter", "Bogus eq 1"),
                        list("$filter", "User eq 1"),
                        list("$filter", "TopicId eq 'one'"),
                        list("$filter", "Status eq 'x"),
                        list("$filter", "Status like 'x'"),
                        list("$filter", "(Status eq 'x'"),
                        list("$filter", "WhenRequested gt 'yesterday'"),
                        list("$filter", "contains(TopicId, '1')"),
                        list("$filter", "Status eq 'x'; DROP TABLE chat_session"),
                        list("$orderBy", "Bogus"),
                        list("$orderBy", "Status sideways"),
                        list("$top", "0"),
                        list("$top", "1001"),
                        list("$skip", "-1")))
                .compose(all -> app.get("/api/v1/ChatSession", "Authorization", app.customerAuthorization(1)).map(c -> {
                    ctx.verify(() -> {
                        String[] named = {"position 24", "Bogus", "User", "TopicId", "not closed", "operator", "')'",
                            "WhenRequested", "text property", "position 14", "Bogus", "Status sideways", "$top", "$top", "$skip"};
                        for (int i = 0; i < named.length; i++) {
                            TestApp.Response r = all.resultAt(i);
                            assertEquals(400, r.status(), i + ": " + r.body());
                            assertTrue(r.json().getString("ErrorMessage").contains(named[i]), i + ": " + r.json().getString("ErrorMessage"));
                        }
                        assertEquals(403, c.status());
                        assertEquals("1", DB.value("SELECT count(*) FROM pg_tables WHERE tablename = 'chat_session'"));
                    });
                    return c;
                }))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("$filter nesting: 64 levels of not and parentheses are read; the 65th is a 400 naming its position; 1,200 levels or a 300-term chain never reach a 500; a NUL in a value is a 400")
    void nesting(VertxTestContext ctx) {
        String deepest = "not ".repeat(32) + "(".repeat(32) + "TopicId eq 1" + ")".repeat(32);
        Future.all(List.of(
                        list("$filter", deepest),
                        list("$filter", "not " + deepest),
                        list("$filter", "(".repeat(1200) + "TopicId eq 1" + ")".repeat(1200)),
                        list("$filter", String.join(" or ", java.util.Collections.nCopies(300, "TopicId eq 1"))),
                        list("$filter", "CustomerName eq 'a\u0000b'")))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    TestApp.Response ok = all.resultAt(0);
                    assertEquals(200, ok.status(), ok.body().toString());
                    TestApp.Response tooDeep = all.resultAt(1);
                    assertEquals(400, tooDeep.status());
                    assertEquals("$filter cannot be read at position " + (4 * 33 + 32)
                            + ": the expression nests deeper than 64 levels", tooDeep.json().getString("ErrorMessage"));
                    TestApp.Response parentheses = all.resultAt(2);
                    assertEquals(400, parentheses.status(), parentheses.body().toString());
                    assertTrue(parentheses.json().getString("ErrorMessage").contains("position 65"),
                            parentheses.json().getString("ErrorMessage"));
                    TestApp.Response chain = all.resultAt(3);
                    assertEquals(200, chain.status(), chain.body().toString());
                    TestApp.Response nul = all.resultAt(4);
                    assertEquals(400, nul.status(), nul.body().toString());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("ChatTopic/{id}/Sessions: GET lists the topic's sessions (with the same options), POST creates one in that topic; an unknown topic is 404")
    void topicSessions(VertxTestContext ctx) {
        Future.all(List.of(
                        app.get("/api/v1/ChatTopic/2/Sessions?$select=CustomerName&$filter="
                                + URLEncoder.encode("startswith(CustomerName,'Query')", StandardCharsets.UTF_8)),
                        app.post("/api/v1/ChatTopic/2/Sessions", "{\"TopicId\":1,\"CustomerName\":\"In topic two\"}"),
                        app.get("/api/v1/ChatTopic/424242/Sessions"),
                        app.post("/api/v1/ChatTopic/424242/Sessions", "{\"CustomerName\":\"nowhere\"}")))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    JsonArray value = all.<TestApp.Response>resultAt(0).json().getJsonArray("value");
                    assertEquals(List.of(IDS.get(1), IDS.get(3)), value.stream()
                            .map(o -> ((JsonObject) o).getInteger("ChatSessionId")).toList());
                    TestApp.Response created = all.resultAt(1);
                    assertEquals(200, created.status(), created.body().toString());
                    assertEquals(2, created.json().getInteger("TopicId"), "the path names the topic");
                    assertEquals("InQueue", created.json().getString("Status"));
                    assertEquals(404, all.<TestApp.Response>resultAt(2).status());
                    assertEquals(404, all.<TestApp.Response>resultAt(3).status());
                    assertEquals("0", DB.value("SELECT count(*) FROM chat_session WHERE customer_name = 'nowhere'"));
                    ctx.completeNow();
                })));
    }
}
