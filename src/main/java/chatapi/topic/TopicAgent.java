package chatapi.topic;

import chatapi.carrier.Carrier;
import chatapi.carrier.CarrierWriter;
import chatapi.carrier.Select;
import chatapi.http.ApiException;
import chatapi.http.Bodies;
import chatapi.http.Errors;
import chatapi.http.Representation;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.sqlclient.Row;
import java.io.IOException;

/**
 * A ChatTopicAgent: an associate's roles in a topic ({@code TopicId}, {@code User} as an Associate carrier,
 * {@code CanListen}, {@code CanRespond}, {@code CanManage}, {@code CanNotify}). Read from
 * {@link TopicStore}'s rows: the topic, the four roles, then the associate's columns.
 */
record TopicAgent(Row row) {

    /** The four roles. */
    record Roles(boolean canListen, boolean canRespond, boolean canManage, boolean canNotify) {

        /**
         * The roles a body sets (property names in any case; absent is false) and the associate it names
         * ({@code User.AssociateId} or {@code User.Name}), or null when it names none.
         */
        static Named read(JsonNode body) {
            if (body == null || !body.isObject()) {
                throw ApiException.badRequest("body.object");
            }
            Roles roles = new Roles(flag(body, "CanListen"), flag(body, "CanRespond"), flag(body, "CanManage"),
                    flag(body, "CanNotify"));
            JsonNode user = Bodies.field(body, "User");
            String who = null;
            if (user != null && user.isObject()) {
                JsonNode id = Bodies.field(user, "AssociateId");
                JsonNode name = Bodies.field(user, "Name");
                who = id != null && id.isInt() && id.intValue() > 0 ? Integer.toString(id.intValue())
                        : name != null && name.isTextual() && !name.textValue().isBlank()
                        ? chatapi.http.Text.optional("User/Name", name.textValue(), 50) : null;
            } else if (user != null && !user.isNull()) {
                throw ApiException.badRequest("property.invalidValue", "User", Errors.echo(user.toString()));
            }
            return new Named(who, roles);
        }

        private static boolean flag(JsonNode body, String name) {
            JsonNode v = Bodies.field(body, name);
            if (v == null || v.isNull()) {
                return false;
            }
            if (!v.isBoolean()) {
                throw ApiException.badRequest("property.invalidValue", name, Errors.echo(v.toString()));
            }
            return v.booleanValue();
        }
    }

    /** Roles with the associate a body names (login name or id; null when none). */
    record Named(String who, Roles roles) {
    }

    void writeTo(JsonGenerator g, Representation representation) throws IOException {
        g.writeStartObject();
        g.writeNumberField("TopicId", row.getInteger(0));
        g.writeFieldName("User");
        g.writeStartObject();
        CarrierWriter.writeFields(g, Carrier.ASSOCIATE, row, 5,
                new CarrierWriter.Rendering(true, representation, Select.ALL), Select.ALL);
        g.writeEndObject();
        g.writeBooleanField("CanListen", row.getBoolean(1));
        g.writeBooleanField("CanRespond", row.getBoolean(2));
        g.writeBooleanField("CanManage", row.getBoolean(3));
        g.writeBooleanField("CanNotify", row.getBoolean(4));
        g.writeEndObject();
    }
}
