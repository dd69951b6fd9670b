package chatapi.session;

import static chatapi.support.ShapeAssert.assertSameShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.SpecSamples;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
@DisplayName("GET /api/v1/ChatSession/{id}")
class ChatSessionApiTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    private static final String[] NESTED = {"User", "Person", "Contact", "Project", "Sale", "Ticket", "TransferTo"};

    @Test
    @DisplayName("the reference page's sample request answers demo session 1 with every key of the sample, same JSON types")
    void sessionOneHasTheShapeOfTheReferenceSample(VertxTestContext ctx) {
        Object sample = SpecSamples.responseBody("GET-ChatSession-id.md");
        app.get("/api/v1/ChatSession/1",
                        "Authorization", "Basic dGplMDpUamUw",
                        "Accept", "application/json; charset=utf-8",
                        "Accept-Language", "en")
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertEquals(200, resp.status());
                    assertEquals("application/json; charset=utf-8", resp.header("Content-Type"));
                    JsonObject body = resp.json();
                    assertSameShape(sample, body);
                    for (String nested : NESTED) {
                        assertNotNull(body.getJsonObject(nested), nested + " should be linked in session 1");
                    }
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("session 1 carries the demo data's values, date-times in UTC with offset")
    void sessionOneCarriesItsValues(VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/1").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            JsonObject body = resp.json();
            assertEquals(1, body.getInteger("ChatSessionId"));
            assertEquals(1, body.getInteger("TopicId"));
            assertEquals("tje0", body.getJsonObject("User").getString("Name"));
            assertEquals(2, body.getJsonObject("TransferTo").getInteger("AssociateId"));
            assertEquals("CustomerLast", body.getString("Status"));
            assertEquals("CustomerIsTyping", body.getString("Flags"));
            assertEquals("2026-03-10T07:00:00.123457+00:00", body.getString("WhenRequested"));
            assertEquals(184000.5, body.getJsonObject("Sale").getDouble("Amount"));
            assertEquals("Oslo", body.getJsonObject("Contact").getJsonObject("Address").getString("City"));
            assertEquals("Thanks, that works for us.", body.getString("LastMessage"));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("session 2 has null for every related entity and keeps the other properties")
    void sessionTwoHasNullNestedObjects(VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/2").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(200, resp.status());
            JsonObject body = resp.json();
            for (String nested : NESTED) {
                assertTrue(body.containsKey(nested), nested + " should be present");
                assertNull(body.getValue(nested), nested + " should be null");
            }
            assertEquals(2, body.getInteger("ChatSessionId"));
            assertEquals("InQueue", body.getString("Status"));
            assertEquals("None", body.getString("Flags"));
            assertTrue(body.containsKey("WhenStarted"));
            assertNull(body.getValue("WhenStarted"));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("_Links are absolute URLs built from the request's Host")
    void linksAreAbsolute(VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/2", "Host", "chat.example.com:8443").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            JsonObject links = resp.json().getJsonObject("_Links");
            assertEquals("http://chat.example.com:8443/api/v1/ChatSession/2", links.getString("Self"));
            assertEquals("http://chat.example.com:8443/api/v1/ChatSession", links.getString("Archive"));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("TableRight and FieldProperties describe every property with its .NET type and length")
    void rightsAndFieldProperties(VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/1").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            JsonObject body = resp.json();
            assertEquals("FULL", body.getJsonObject("TableRight").getString("Mask"));
            JsonObject fields = body.getJsonObject("FieldProperties");
            for (String name : body.fieldNames()) {
                if (!List.of("TableRight", "FieldProperties", "_Links").contains(name)) {
                    assertTrue(fields.containsKey(name), "FieldProperties lacks " + name);
                }
            }
            assertEquals("System.Int32", fields.getJsonObject("ChatSessionId").getString("FieldType"));
            assertEquals("System.String", fields.getJsonObject("CustomerEmail").getString("FieldType"));
            assertEquals(254, fields.getJsonObject("CustomerEmail").getInteger("FieldLength"));
            assertEquals("System.DateTime", fields.getJsonObject("WhenRequested").getString("FieldType"));
            assertEquals("System.Boolean", fields.getJsonObject("ChatbotIsActive").getString("FieldType"));
            assertEquals("FULL", fields.getJsonObject("TopicId").getJsonObject("FieldRight").getString("Mask"));
            JsonObject saleFields = body.getJsonObject("Sale").getJsonObject("FieldProperties");
            assertEquals("System.Double", saleFields.getJsonObject("Amount").getString("FieldType"));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("an absent session is a 404 with the error shape")
    void absentSessionIsNotFound(VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/99999").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(404, resp.status());
            assertEquals(new JsonObject()
                    .put("Error", true)
                    .put("ErrorType", "SoNotFoundException")
                    .put("ErrorMessage", "ChatSession 99999 not found")
                    .put("ErrorSource", "chat-api"), resp.json());
            ctx.completeNow();
        })));
    }

    @ParameterizedTest(name = "id ''{0}'' is a 400")
    @ValueSource(strings = {"abc", "1.5", "99999999999", "2147483648", "-1", "0", "+1", "1e3", "%20", "0x10"})
    @DisplayName("an id that is not an int32 of at least 1 is a 400 naming it")
    void badIdIsBadRequest(String id, VertxTestContext ctx) {
        app.get("/api/v1/ChatSession/" + id).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertEquals(400, resp.status());
            JsonObject body = resp.json();
            assertEquals(true, body.getBoolean("Error"));
            assertEquals("BadRequest", body.getString("ErrorType"));
            assertTrue(body.getString("ErrorMessage").startsWith("'id' must be an integer"), body.encode());
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("the largest int32 id is valid and simply not found")
    void largestIdIsNotFound(VertxTestContext ctx) {
        Future.all(app.get("/api/v1/ChatSession/2147483647"), app.get("/api/v1/ChatSession/0002"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertEquals(404, all.<TestApp.Response>resultAt(0).status());
                    assertEquals(200, all.<TestApp.Response>resultAt(1).status());
                    ctx.completeNow();
                })));
    }
}
