package chatapi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp;
import chatapi.support.TestApp.Response;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("The end of a chat: its agent closes it (ClosedByUser), its customer rates it, an offline form never queues")
class EndAndRatingTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    private static String tje0() {
        return "Bearer " + app.tokens().sign("agent", null, "tje0", 600);
    }

    private static String ann1() {
        return "Bearer " + app.tokens().sign("agent", null, "ann1", 600);
    }

    private static int session(int topic, String status) {
        return Integer.parseInt(DB.value("INSERT INTO chat_session (topic_id, status, user_associate_id) VALUES ("
                + topic + ", '" + status + "', " + ("InQueue".equals(status) ? "NULL" : "1") + ") RETURNING chat_session_id"));
    }

    private static Future<Response> rate(int id, String json, String authorization) {
        return app.request(HttpMethod.PUT, "/api/v1/ChatSession/" + id + "/Rating", Buffer.buffer(json),
                "Authorization", authorization, "Content-Type", "application/json");
    }

    @Test
    @DisplayName("Close: only the session's agent ends an active chat (Closed, WhenEnded, a ClosedByUser message); others 409, a customer 403, an absent session 404")
    void close(VertxTestContext ctx) {
        int id = session(1, "InQueue");
        int other = session(1, "InQueue");
        String path = "/api/v1/ChatSession/" + id + "/Close";
        app.post(path, "", "Authorization", tje0()).compose(queued -> {
            ctx.verify(() -> assertEquals(409, queued.status(), "a queued session is nobody's to close"));
            return app.post("/api/v1/ChatSession/" + id + "/Pickup", "", "Authorization", tje0());
        }).compose(picked -> {
            ctx.verify(() -> assertEquals(200, picked.status()));
            return Future.all(List.of(app.post(path, "", "Authorization", ann1()),
                    app.post(path, "", "Authorization", app.customerAuthorization(id)),
                    app.post("/api/v1/ChatSession/999999/Close", "", "Authorization", tje0())));
        }).compose(refused -> {
            ctx.verify(() -> {
                Response byOther = refused.resultAt(0);
                assertEquals(409, byOther.status(), "not ann1's chat");
                assertTrue(byOther.json().getString("ErrorMessage").startsWith("Cannot close ChatSession " + id),
                        byOther.body().toString());
                assertEquals(403, refused.<Response>resultAt(1).status(), "a customer");
                assertEquals(404, refused.<Response>resultAt(2).status());
                assertEquals("UserLast", DB.value("SELECT status FROM chat_session WHERE chat_session_id = " + id));
            });
            return app.post(path, "", "Authorization", tje0());
        }).compose(closed -> {
            ctx.verify(() -> {
                assertEquals(200, closed.status(), closed.body().toString());
                assertEquals("Closed", closed.json().getString("Status"));
                assertNotNull(closed.json().getString("WhenEnded"));
                assertEquals("Closed|true", DB.value("SELECT status || '|' || (when_ended IS NOT NULL) FROM chat_session"
                        + " WHERE chat_session_id = " + id));
                assertEquals("Special|ClosedByUser|Thomas J. Eriksen|Thomas J. Eriksen ended the chat", DB.value(
                        "SELECT type || '|' || special_type || '|' || author || '|' || message FROM chat_message"
                                + " WHERE chat_session_id = " + id + " ORDER BY chat_message_id DESC LIMIT 1"));
                assertEquals("InQueue", DB.value("SELECT status FROM chat_session WHERE chat_session_id = " + other));
            });
            return Future.all(app.post(path, "", "Authorization", tje0()),
                    app.post("/api/v1/ChatSession/" + id + "/Messages", "{\"Message\":\"Hello?\",\"Type\":\"ToUser\"}",
                            "Authorization", app.customerAuthorization(id)),
                    app.post("/api/v1/ChatSession/" + id + "/Messages", "{\"Message\":\"Note\",\"Type\":\"ToCustomer\"}",
                            "Authorization", tje0()));
        }).onComplete(ctx.succeeding(after -> ctx.verify(() -> {
            assertEquals(409, after.<Response>resultAt(0).status(), "closed once");
            Response customerWrites = after.resultAt(1);
            assertEquals(409, customerWrites.status(), "the customer writes no more");
            assertTrue(customerWrites.json().getString("ErrorMessage").contains("has ended"), customerWrites.body().toString());
            assertEquals(200, after.<Response>resultAt(2).status(), "an agent still may (a note after the end)");
            assertEquals("0", DB.value("SELECT count(*) FROM chat_message WHERE chat_session_id = " + id
                    + " AND type = 'ToUser'"));
            assertEquals("1", DB.value("SELECT count(*) FROM chat_message WHERE chat_session_id = " + id
                    + " AND special_type = 'ClosedByUser'"));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("Rating: the customer rates an ended chat once, in a topic that takes ratings; agents read it; every other attempt is a 4xx naming why and stores nothing")
    void rating(VertxTestContext ctx) {
        int rated = Integer.parseInt(DB.value("INSERT INTO chat_topic (name, widget_enable_rating) VALUES ('Rated', true)"
                + " RETURNING topic_id"));
        int id = session(rated, "UserLast");
        int unrated = session(1, "Closed");
        String customer = app.customerAuthorization(id);
        rate(id, "{\"Rating\":5}", customer).compose(early -> {
            ctx.verify(() -> {
                assertEquals(409, early.status(), "not ended yet");
                assertTrue(early.json().getString("ErrorMessage").contains("has not ended"), early.body().toString());
            });
            DB.execute("UPDATE chat_session SET status = 'Closed' WHERE chat_session_id = " + id);
            return Future.all(List.of(rate(id, "{\"Rating\":4}", tje0()),
                    rate(id, "{\"Rating\":6}", customer),
                    rate(id, "{\"Rating\":\"5\"}", customer),
                    rate(id, "{\"Rating\":4.5}", customer),
                    rate(id, "{\"Rating\":2147483648}", customer),
                    rate(id, "[]", customer),
                    rate(id, "{\"Comment\":\"no number\"}", customer),
                    rate(id, "{\"Rating\":3,\"Comment\":\"" + "x".repeat(2001) + "\"}", customer),
                    rate(id, "{\"Rating\":3}", app.customerAuthorization(unrated)),
                    rate(unrated, "{\"Rating\":3}", app.customerAuthorization(unrated)),
                    app.get("/api/v1/ChatSession/" + id + "/Rating", "Authorization", tje0())));
        }).compose(refused -> {
            ctx.verify(() -> {
                assertEquals(403, refused.<Response>resultAt(0).status(), "an agent does not rate");
                assertEquals(400, refused.<Response>resultAt(1).status());
                assertTrue(refused.<Response>resultAt(1).json().getString("ErrorMessage").contains("1 to 5"));
                assertEquals(400, refused.<Response>resultAt(2).status(), "a string is no number");
                assertEquals(400, refused.<Response>resultAt(3).status(), "4.5 is no whole number");
                assertEquals(400, refused.<Response>resultAt(4).status(), "beyond int32");
                assertEquals(400, refused.<Response>resultAt(5).status(), "not an object");
                assertEquals(400, refused.<Response>resultAt(6).status(), "Rating is required");
                assertEquals(400, refused.<Response>resultAt(7).status(), "comment too long");
                assertEquals(403, refused.<Response>resultAt(8).status(), "another session's customer");
                assertEquals(409, refused.<Response>resultAt(9).status(), "its topic takes no ratings");
                assertTrue(refused.<Response>resultAt(9).json().getString("ErrorMessage").contains("WidgetEnableRating"));
                assertEquals(404, refused.<Response>resultAt(10).status(), "no rating yet");
                assertEquals("0", DB.value("SELECT count(*) FROM chat_session_rating"));
            });
            return rate(id, "{\"rating\":4,\"comment\":\"Quick and kind\"}", customer);
        }).compose(stored -> {
            ctx.verify(() -> {
                assertEquals(200, stored.status(), stored.body().toString());
                JsonObject body = stored.json();
                assertEquals(List.of("ChatSessionId", "Rating", "Comment", "WhenRated"), List.copyOf(body.fieldNames()));
                assertEquals(id, body.getInteger("ChatSessionId"));
                assertEquals(4, body.getInteger("Rating"));
                assertEquals("Quick and kind", body.getString("Comment"));
            });
            return Future.all(rate(id, "{\"Rating\":1}", customer),
                    app.get("/api/v1/ChatSession/" + id + "/Rating", "Authorization", tje0()),
                    app.get("/api/v1/ChatSession/" + id + "/Rating", "Authorization", customer));
        }).onComplete(ctx.succeeding(after -> ctx.verify(() -> {
            assertEquals(409, after.<Response>resultAt(0).status(), "rated once");
            assertEquals(4, after.<Response>resultAt(1).json().getInteger("Rating"));
            assertEquals("Quick and kind", after.<Response>resultAt(2).json().getString("Comment"));
            assertEquals(id + "|4|Quick and kind", DB.value("SELECT chat_session_id || '|' || rating || '|' || comment"
                    + " FROM chat_session_rating"));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("POST ChatSession with Status OfflineForm stores an offline-form session outside the queue; any other Status is ignored (InQueue)")
    void offlineForm(VertxTestContext ctx) {
        Future.all(app.post("/api/v1/ChatSession", "{\"TopicId\":1,\"CustomerName\":\"Late\",\"Status\":\"OfflineForm\"}",
                        "Authorization", tje0()),
                app.post("/api/v1/ChatSession", "{\"TopicId\":1,\"CustomerName\":\"Early\",\"Status\":\"Closed\"}",
                        "Authorization", tje0()),
                app.post("/api/v1/ChatSession", "{\"TopicId\":1,\"CustomerName\":\"Lower\",\"status\":\"offlineform\"}",
                        "Authorization", tje0()))
                .compose(created -> {
                    ctx.verify(() -> {
                        Response offline = created.resultAt(0);
                        assertEquals(200, offline.status());
                        assertEquals("OfflineForm", offline.json().getString("Status"));
                        assertEquals(0, offline.json().getInteger("InitialQueuePos"));
                        assertEquals("InQueue", created.<Response>resultAt(1).json().getString("Status"));
                        assertEquals("OfflineForm", created.<Response>resultAt(2).json().getString("Status"), "any case");
                    });
                    int offlineId = created.<Response>resultAt(0).json().getInteger("ChatSessionId");
                    return app.get("/api/v1/ChatSession/ForCurrentUser", "Authorization", tje0())
                            .map(queue -> queue.jsonArray().stream().map(JsonObject.class::cast)
                                    .noneMatch(s -> s.getInteger("ChatSessionId") == offlineId));
                })
                .onComplete(ctx.succeeding(notQueued -> ctx.verify(() -> {
                    assertTrue(notQueued, "an offline form is not offered to agents as a queued chat");
                    assertEquals("OfflineForm|Late", DB.value("SELECT status || '|' || customer_name FROM chat_session"
                            + " WHERE customer_name = 'Late'"));
                    ctx.completeNow();
                })));
    }
}
