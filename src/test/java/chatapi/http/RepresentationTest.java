package chatapi.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp.Response;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import chatapi.support.XmlTree;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
@DisplayName("Representation: $select, content negotiation, XML, SO-TimeZone, languages")
class RepresentationTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    static int dstSession;

    @BeforeAll
    static void data() throws java.sql.SQLException {
        try (Connection c = DB.connect(); Statement st = c.createStatement()) {
            // Europe/Oslo and Europe/Berlin leave +01:00 for +02:00 at 2026-03-29T01:00:00Z.
            st.execute("INSERT INTO chat_session (chat_session_id, topic_id) VALUES (40, 1)");
            st.execute("INSERT INTO chat_message (chat_session_id, message, when_posted) VALUES "
                    + "(40, 'winter', '2026-03-28T12:00:00Z'), (40, 'summer', '2026-03-30T12:00:00Z')");
            dstSession = 40;
        }
    }

    // --- $select -----------------------------------------------------------------------------------

    @Test
    @DisplayName("$select: names case-insensitive, / into related objects, everything else null, ChatSessionId and _Links kept")
    void select(VertxTestContext ctx) {
        Future.all(app.get("/api/v1/ChatSession/1?$select=customername,USER/fullname,whenRequested"),
                        app.get("/api/v1/ChatSession/1"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    Response selected = all.resultAt(0);
                    JsonObject full = all.<Response>resultAt(1).json();
                    assertEquals(200, selected.status());
                    JsonObject s = selected.json();
                    assertEquals(full.fieldNames(), s.fieldNames(), "every property stays in the body");
                    assertEquals(1, s.getInteger("ChatSessionId"));
                    assertEquals(full.getJsonObject("_Links"), s.getJsonObject("_Links"));
                    assertEquals("Kari Marie Nordmann", s.getString("CustomerName"));
                    assertEquals(full.getString("WhenRequested"), s.getString("WhenRequested"));
                    assertNull(s.getValue("CustomerEmail"));
                    assertNull(s.getValue("TopicId"));
                    assertNull(s.getValue("Person"), "a linked relation that is not selected is null");
                    assertNull(s.getValue("TableRight"));
                    assertNull(s.getValue("FieldProperties"));
                    JsonObject user = s.getJsonObject("User");
                    assertEquals(full.getJsonObject("User").fieldNames(), user.fieldNames());
                    assertEquals("Thomas J. Eriksen", user.getString("FullName"));
                    assertNull(user.getValue("Name"));
                    assertNull(user.getValue("AssociateId"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("$select of a related object brings all of it, and of TableRight its rights")
    void selectWholeObject(VertxTestContext ctx) {
        Future.all(app.get("/api/v1/ChatSession/1?$select=Sale,tableright"), app.get("/api/v1/ChatSession/1"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    JsonObject s = all.<Response>resultAt(0).json();
                    JsonObject full = all.<Response>resultAt(1).json();
                    assertEquals(full.getJsonObject("Sale"), s.getJsonObject("Sale"));
                    assertEquals(full.getJsonObject("TableRight"), s.getJsonObject("TableRight"));
                    assertNull(s.getValue("Ticket"));
                    ctx.completeNow();
                })));
    }

    @ParameterizedTest(name = "$select={0}")
    @ValueSource(strings = {"Nope", "User/Nope", "CustomerName/Length", "User/FullName/X", "User,Bogus"})
    @DisplayName("$select naming something that is not a property is a 400 naming it")
    void selectUnknown(String select, VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/1?$select=" + select).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(400, resp.status());
            String name = select.contains(",") ? select.substring(select.indexOf(',') + 1) : select;
            assertEquals("$select names an unknown property: '" + name + "'", resp.json().getString("ErrorMessage"));
            ctx.completeNow();
        })));
    }

    // --- content negotiation and XML ---------------------------------------------------------------

    @ParameterizedTest(name = "Accept: {0}")
    @CsvSource(delimiter = '|', value = {
        "|application/json",
        "*/*|application/json",
        "application/json; charset=utf-8|application/json",
        "text/json|text/json",
        "application/json-patch+json|application/json-patch+json",
        "application/merge-patch+json|application/merge-patch+json",
        "application/xml|application/xml",
        "text/xml|text/xml",
        "text/*|text/json",
        "application/xml;q=0.9, application/json;q=0.8|application/xml",
        "application/json;q=0.5, text/xml|text/xml",
        "application/json;q=0, */*|text/json",
        "image/png, application/xml;q=0.1|application/xml",
        "'application/xml;profile=\"a,b;c\";q=0.9, application/json;q=0.1'|application/xml",
        "'text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2'|application/json",
        "application/json;q=abc, application/xml;q=0.5|application/json",
    })
    @DisplayName("Accept with q-values picks the representation, and Content-Type says which")
    void negotiation(String accept, String contentType, VertxTestContext ctx) {
        String[] headers = accept == null ? new String[0] : new String[] {"Accept", accept};
        app.get("/api/v1/ChatSession/2", headers).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(200, resp.status());
            assertEquals(contentType + "; charset=utf-8", resp.header("Content-Type"));
            if (contentType.endsWith("xml")) {
                assertEquals("ChatSessionEntity", XmlTree.parse(resp.body().toString()).name());
            } else {
                assertEquals(2, resp.json().getInteger("ChatSessionId"));
            }
            ctx.completeNow();
        })));
    }

    @ParameterizedTest(name = "Accept: {0}")
    @ValueSource(strings = {"image/png", "text/html, application/pdf", "application/json;q=0, application/xml;q=0, text/*;q=0"})
    @DisplayName("an Accept that chat-api cannot satisfy is a 406 with the error shape")
    void notAcceptable(String accept, VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/1", "Accept", accept).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(406, resp.status());
            assertEquals("NotAcceptable", resp.json().getString("ErrorType"));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("XML of session 1 read back equals its JSON, field by field, nested objects and nulls included")
    void xmlMatchesJsonForAnEntity(VertxTestContext ctx) {
        Future.all(app.get("/api/v1/ChatSession/1", "Accept", "application/xml", "SO-TimeZone", "NO"),
                        app.get("/api/v1/ChatSession/1", "SO-TimeZone", "NO"),
                        app.get("/api/v1/ChatSession/2", "Accept", "text/xml"),
                        app.get("/api/v1/ChatSession/2"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    XmlTree.Root one = XmlTree.parse(all.<Response>resultAt(0).body().toString());
                    assertEquals("ChatSessionEntity", one.name());
                    assertEquals(XmlTree.asText(all.<Response>resultAt(1).json()), one.content());
                    XmlTree.Root two = XmlTree.parse(all.<Response>resultAt(2).body().toString());
                    assertEquals(XmlTree.asText(all.<Response>resultAt(3).json()), two.content());
                    assertNull(((JsonObject) two.content()).getValue("User"), "null as xsi:nil");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("messages in XML are ArrayOfChatMessage holding ChatMessage elements, equal to the JSON array")
    void xmlMessages(VertxTestContext ctx) {
        Future.all(app.get("/api/v1/ChatSession/1/Messages", "Accept", "application/xml"),
                        app.get("/api/v1/ChatSession/1/Messages"),
                        app.get("/api/v1/ChatSession/2/Messages", "Accept", "application/xml"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    XmlTree.Root xml = XmlTree.parse(all.<Response>resultAt(0).body().toString());
                    assertEquals("ArrayOfChatMessage", xml.name());
                    JsonArray json = all.<Response>resultAt(1).jsonArray();
                    assertEquals(3, json.size());
                    assertEquals(XmlTree.asText(json), ((JsonObject) xml.content()).getJsonArray("ChatMessage"));
                    XmlTree.Root empty = XmlTree.parse(all.<Response>resultAt(2).body().toString());
                    assertEquals("ArrayOfChatMessage", empty.name());
                    assertEquals("", empty.content());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("errors follow the negotiated format: XML when XML was asked for, 401s included")
    void errorsInXml(VertxTestContext ctx) {
        Future.all(app.get("/api/v1/ChatSession/99999", "Accept", "application/xml"),
                        app.get("/api/v1/ChatSession/1", "Accept", "text/xml", "Authorization", null),
                        app.get("/api/v1/ChatSession/abc", "Accept", "application/xml"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    int[] statuses = {404, 401, 400};
                    String[] types = {"SoNotFoundException", "Unauthorized", "BadRequest"};
                    for (int i = 0; i < 3; i++) {
                        Response r = all.resultAt(i);
                        assertEquals(statuses[i], r.status());
                        assertTrue(r.header("Content-Type").contains("xml"), r.header("Content-Type"));
                        XmlTree.Root error = XmlTree.parse(r.body().toString());
                        assertEquals("Error", error.name());
                        JsonObject fields = (JsonObject) error.content();
                        assertEquals("true", fields.getString("Error"));
                        assertEquals(types[i], fields.getString("ErrorType"));
                        assertEquals("chat-api", fields.getString("ErrorSource"));
                        assertNotNull(fields.getString("ErrorMessage"));
                    }
                    ctx.completeNow();
                })));
    }

    // --- SO-TimeZone -------------------------------------------------------------------------------

    @Test
    @DisplayName("date-times follow SO-TimeZone with the offset of their own instant, across a daylight-saving change, in JSON and XML")
    void timeZonesAcrossDaylightSaving(VertxTestContext ctx) {
        String path = "/api/v1/ChatSession/" + dstSession + "/Messages";
        Future.all(app.get(path, "SO-TimeZone", "NO"), app.get(path, "SO-TimeZone", "Europe/Berlin"),
                        app.get(path, "SO-TimeZone", "US-NY"), app.get(path),
                        app.get(path, "SO-TimeZone", "no", "Accept", "application/xml"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertEquals(List.of("2026-03-28T13:00:00+01:00", "2026-03-30T14:00:00+02:00"), posted(all.resultAt(0)));
                    assertEquals(List.of("2026-03-28T13:00:00+01:00", "2026-03-30T14:00:00+02:00"), posted(all.resultAt(1)));
                    assertEquals(List.of("2026-03-28T08:00:00-04:00", "2026-03-30T08:00:00-04:00"), posted(all.resultAt(2)));
                    assertEquals(List.of("2026-03-28T12:00:00+00:00", "2026-03-30T12:00:00+00:00"), posted(all.resultAt(3)));
                    JsonArray xml = ((JsonObject) XmlTree.parse(all.<Response>resultAt(4).body().toString()).content())
                            .getJsonArray("ChatMessage");
                    assertEquals("2026-03-28T13:00:00+01:00", xml.getJsonObject(0).getString("WhenPosted"));
                    assertEquals("2026-03-30T14:00:00+02:00", xml.getJsonObject(1).getString("WhenPosted"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("nested date-times convert too")
    void nestedDateTimes(VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/1", "SO-TimeZone", "JP").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            JsonObject s = resp.json();
            assertEquals("2026-03-10T16:15:00+09:00", s.getJsonObject("Ticket").getString("CreatedAt"));
            assertEquals("2026-03-10T16:00:00.123457+09:00", s.getString("WhenRequested"));
            assertEquals("2026-04-15T19:00:00+09:00", s.getJsonObject("Sale").getString("SaleDate"));
            ctx.completeNow();
        })));
    }

    @ParameterizedTest(name = "SO-TimeZone: {0}")
    @ValueSource(strings = {"UTC", "NO", "SE", "DK", "FI", "IS", "GB", "IE", "DE", "NL", "BE", "FR", "ES", "IT", "PL",
        "US-NY", "US-CHI", "US-DEN", "US-LA", "AU-ACT", "JP", "IN", "Europe/Oslo", "america/new_york"})
    @DisplayName("every documented zone code and IANA names are accepted")
    void knownZones(String zone, VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/1/Messages", "SO-TimeZone", zone).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(200, resp.status(), resp.body().toString());
            ctx.completeNow();
        })));
    }

    @ParameterizedTest(name = "SO-TimeZone: {0}")
    @ValueSource(strings = {"Mars/Base", "XX", "+02:00", "Europe"})
    @DisplayName("an unknown zone is a 400 naming it")
    void unknownZone(String zone, VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/1", "SO-TimeZone", zone).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(400, resp.status());
            assertEquals("SO-TimeZone '" + zone + "' is not a known time zone", resp.json().getString("ErrorMessage"));
            ctx.completeNow();
        })));
    }

    // --- languages, culture, app token -------------------------------------------------------------

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "SO-Language|nb|nb|ChatSession 99999 finnes ikke",
        "SO-Language|sv|sv|ChatSession 99999 finns inte",
        "SO-Language|da|da|ChatSession 99999 findes ikke",
        "SO-Language|de|de|ChatSession 99999 nicht gefunden",
        "SO-Language|nl|nl|ChatSession 99999 niet gevonden",
        "SO-Language|en|en|ChatSession 99999 not found",
        "SO-Language|no|nb|ChatSession 99999 finnes ikke",
        "SO-Language|fr|en|ChatSession 99999 not found",
        "SO-Language|*|en|ChatSession 99999 not found",
        "SO-Language|x|en|ChatSession 99999 not found",
        "Accept-Language|fr, de;q=0.8, sv;q=0.5|de|ChatSession 99999 nicht gefunden",
        "Accept-Language|nl-NL;q=0.2, da;q=0.9|da|ChatSession 99999 findes ikke",
        "Accept-Language|fr|en|ChatSession 99999 not found",
    })
    @DisplayName("SO-Language, else Accept-Language by q-value, picks the language of messages, echoed in Content-Language")
    void languages(String header, String value, String language, String message, VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/99999", header, value).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(404, resp.status());
            assertEquals(language, resp.header("Content-Language"));
            assertEquals(message, resp.json().getString("ErrorMessage"));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("SO-Language wins over Accept-Language; Content-Language is set on successes too")
    void soLanguageWins(VertxTestContext ctx) {
        Future.all(app.get("/api/v1/ChatSession/99999", "SO-Language", "sv", "Accept-Language", "de"),
                        app.get("/api/v1/ChatSession/1", "SO-Language", "da"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertEquals("sv", all.<Response>resultAt(0).header("Content-Language"));
                    assertEquals("da", all.<Response>resultAt(1).header("Content-Language"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("every message has a text in every language, different from the English one where it is a sentence")
    void catalogueIsComplete() {
        for (String language : Texts.LANGUAGES) {
            assertNotNull(Texts.format(language, "session.notFound", 1));
            assertNotNull(Texts.format(language, "auth.forbidden"));
        }
        Set<String> texts = new HashSet<>();
        Texts.LANGUAGES.forEach(l -> texts.add(Texts.format(l, "auth.unauthorized")));
        assertEquals(Texts.LANGUAGES.size(), texts.size());
    }

    @Test
    @DisplayName("a translated 400 names the property in the caller's language")
    void translatedValidation(VertxTestContext ctx) {
        app.post("/api/v1/ChatSession/1/Messages", "{\"Message\":\"x\",\"Type\":\"Nope\"}", "SO-Language", "de")
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertEquals(400, resp.status());
                    assertEquals("Die Eigenschaft 'Type' muss einer von Invalid, ToCustomer, ToUser, Special sein",
                            resp.json().getString("ErrorMessage"));
                    ctx.completeNow();
                })));
    }

    @ParameterizedTest(name = "SO-Culture: {0} -> {1}")
    @CsvSource({"nb-NO,200", "en-US,200", "de,200", "zh-Hans-CN,200", "xx-YY,400", "en_US!,400", "123,400"})
    @DisplayName("SO-Culture must be a culture code")
    void culture(String culture, int status, VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/1/Messages", "SO-Culture", culture).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(status, resp.status());
            if (status == 400) {
                assertEquals("SO-Culture '" + culture + "' is not a culture code", resp.json().getString("ErrorMessage"));
            }
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("SO-AppToken is counted per app and never echoed")
    void appToken(VertxTestContext ctx) {
        String token = "partner-app-token-" + java.util.UUID.randomUUID();
        String app1 = AppTokens.fingerprint(token);
        Future.all(app.get("/api/v1/ChatSession/1", "SO-AppToken", token),
                        app.get("/api/v1/ChatSession/99999", "SO-AppToken", token))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    for (int i = 0; i < 2; i++) {
                        Response r = all.resultAt(i);
                        assertFalse(r.body().toString().contains(token));
                        r.headers().forEach(h -> assertFalse(h.getValue().contains(token), h.toString()));
                    }
                    assertEquals(2L, app.application().appTokens().counts().get(app1));
                    assertNotEquals(token, app1);
                    ctx.completeNow();
                })));
    }

    private static List<String> posted(Response r) {
        assertEquals(200, r.status(), r.body().toString());
        List<String> times = new ArrayList<>();
        r.jsonArray().forEach(m -> times.add(((JsonObject) m).getString("WhenPosted")));
        return times;
    }
}
