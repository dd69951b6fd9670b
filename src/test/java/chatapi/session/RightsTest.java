package chatapi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.carrier.Carrier;
import chatapi.carrier.CarrierWriter;
import chatapi.carrier.Property;
import chatapi.carrier.Select;
import chatapi.db.Database;
import chatapi.http.Json;
import chatapi.http.Representation;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.SqlClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("Rights in TableRight and FieldProperties")
class RightsTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Test
    @DisplayName("an agent has full rights; a customer reads; every property is listed with its type and length")
    void rightsFollowTheCaller(Vertx vertx, VertxTestContext ctx) {
        TestApp.start(vertx, DB.config()).compose(app -> {
            SqlClient pool = Database.pool(vertx, DB.config());
            return new SessionStore(pool).findSession(1).map(found -> {
                ChatSessionEntity entity = found.orElseThrow();
                JsonObject agent = render(entity, true);
                JsonObject customer = render(entity, false);
                ctx.verify(() -> {
                    assertEquals("FULL", agent.getJsonObject("TableRight").getString("Mask"));
                    assertEquals("Select", customer.getJsonObject("TableRight").getString("Mask"));
                    assertEquals("Select", customer.getJsonObject("User").getJsonObject("TableRight").getString("Mask"));
                    for (Property p : Carrier.CHAT_SESSION.properties()) {
                        JsonObject field = customer.getJsonObject("FieldProperties").getJsonObject(p.name());
                        assertEquals("Select", field.getJsonObject("FieldRight").getString("Mask"), p.name());
                        assertEquals(p.fieldType(), field.getString("FieldType"));
                        assertEquals(p.length(), field.getInteger("FieldLength"));
                        assertEquals("FULL", agent.getJsonObject("FieldProperties").getJsonObject(p.name())
                                .getJsonObject("FieldRight").getString("Mask"));
                    }
                    assertTrue(customer.getJsonObject("FieldProperties").getJsonObject("WhenRequested")
                            .getString("FieldType").equals("System.DateTime"));
                    assertEquals(32_000, customer.getJsonObject("FieldProperties").getJsonObject("LastMessage")
                            .getInteger("FieldLength"));
                });
                return entity;
            }).eventually(() -> pool.close()).eventually(app::stop);
        }).onComplete(ctx.succeedingThenComplete());
    }

    private static JsonObject render(ChatSessionEntity entity, boolean agent) {
        CarrierWriter.Rendering how = new CarrierWriter.Rendering(agent, Representation.DEFAULT, Select.ALL);
        return new JsonObject(Json.buffer(g -> entity.writeTo(g, how, "http://localhost")));
    }
}
