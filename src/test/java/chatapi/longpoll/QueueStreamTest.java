package chatapi.longpoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.Await;
import chatapi.support.EventStreamClient;
import chatapi.support.EventStreamClient.Event;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("An agent's queue as an event stream: GET ChatSession/ForCurrentUser with Accept: text/event-stream")
class QueueStreamTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    static Vertx vertx;

    @BeforeAll
    static void setUp(Vertx classVertx) {
        vertx = classVertx;
        DB.execute("UPDATE chat_presence SET present = true WHERE associate_id = 2"); // ann1 takes Sales chats
        DB.execute("UPDATE chat_session SET transfer_to_associate_id = NULL"); // the demo's transfer to ann1
    }

    private static String agent(String name) {
        return "Bearer " + app.tokens().sign("agent", null, name, 600);
    }

    private static List<Integer> ids(JsonArray sessions) {
        return sessions.stream().map(s -> ((JsonObject) s).getInteger("ChatSessionId")).toList();
    }

    /** Once the stream's latest queue satisfies the condition: that queue's session ids. */
    private static Future<List<Integer>> awaitQueue(EventStreamClient stream, Predicate<List<Integer>> condition) {
        return stream.await(all -> {
            List<Event> queues = EventStreamClient.named(all, "queue");
            return !queues.isEmpty() && condition.test(ids(new JsonArray(queues.get(queues.size() - 1).data())));
        }).map(all -> {
            List<Event> queues = EventStreamClient.named(all, "queue");
            return ids(new JsonArray(queues.get(queues.size() - 1).data()));
        });
    }

    private static int queued(int topic) {
        return Integer.parseInt(DB.value("INSERT INTO chat_session (topic_id) VALUES (" + topic + ") RETURNING chat_session_id"));
    }

    @Test
    @DisplayName("the queue as it changes: a session arriving in the agent's topic appears (not one of another topic), one picked up by someone else leaves, one transferred to the agent appears")
    void queueChanges(VertxTestContext ctx) {
        EventStreamClient.open(vertx, app.port(), "/api/v1/ChatSession/ForCurrentUser", "Authorization", agent("ann1"))
                .compose(stream -> {
                    ctx.verify(() -> assertEquals(200, stream.status()));
                    return awaitQueue(stream, ids -> true).compose(first -> {
                        int support = queued(2);
                        int sales = queued(1);
                        return awaitQueue(stream, ids -> ids.contains(sales)).compose(withSales -> {
                            ctx.verify(() -> assertFalse(withSales.contains(support), "Support is not ann1's topic"));
                            return app.post("/api/v1/ChatSession/" + sales + "/Pickup", "", "Authorization", agent("tje0"));
                        }).compose(picked -> {
                            ctx.verify(() -> assertEquals(200, picked.status(), picked.body().toString()));
                            return awaitQueue(stream, ids -> !ids.contains(sales));
                        }).compose(gone -> app.post("/api/v1/ChatSession/" + sales + "/TransferTo/ann1", "",
                                "Authorization", agent("tje0")))
                                .compose(transferred -> {
                                    ctx.verify(() -> assertEquals(200, transferred.status(), transferred.body().toString()));
                                    return awaitQueue(stream, ids -> ids.contains(sales));
                                });
                    }).compose(v -> stream.events()).map(all -> {
                        ctx.verify(() -> {
                            List<Event> queues = EventStreamClient.named(all, "queue");
                            for (int i = 1; i < queues.size(); i++) {
                                assertTrue(!queues.get(i).data().equals(queues.get(i - 1).data()), "an event only on a change");
                            }
                        });
                        return stream;
                    }).compose(EventStreamClient::close);
                })
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a waiting visitor's first message shows in the queue (FirstMessage), pushed without any other change")
    void waitingVisitorWrites(VertxTestContext ctx) {
        int sales = queued(1);
        EventStreamClient.open(vertx, app.port(), "/api/v1/ChatSession/ForCurrentUser", "Authorization", agent("ann1"))
                .compose(stream -> awaitQueue(stream, ids -> ids.contains(sales))
                        .compose(listed -> app.post("/api/v1/ChatSession/" + sales + "/Messages",
                                "{\"Message\":\"Do you deliver to Bergen?\",\"Type\":\"ToUser\"}",
                                "Authorization", app.customerAuthorization(sales)))
                        .compose(posted -> {
                            ctx.verify(() -> assertEquals(200, posted.status()));
                            return stream.await(all -> {
                                List<Event> queues = EventStreamClient.named(all, "queue");
                                return queues.get(queues.size() - 1).data().contains("Do you deliver to Bergen?");
                            });
                        })
                        .map(all -> {
                            JsonObject shown = new JsonArray(EventStreamClient.named(all, "queue").get(
                                    EventStreamClient.named(all, "queue").size() - 1).data()).stream()
                                    .map(JsonObject.class::cast).filter(s -> s.getInteger("ChatSessionId") == sales)
                                    .findFirst().orElseThrow();
                            ctx.verify(() -> {
                                assertEquals("Do you deliver to Bergen?", shown.getString("FirstMessage"));
                                assertEquals("InQueue", shown.getString("Status"));
                            });
                            return stream;
                        })
                        .compose(EventStreamClient::close))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a long queue (far more than a socket takes at once) arrives whole, without the stream closing")
    void longQueue(VertxTestContext ctx) {
        int topic = Integer.parseInt(DB.value("INSERT INTO chat_topic (name) VALUES ('Busy') RETURNING topic_id"));
        DB.execute("INSERT INTO chat_topic_agent (topic_id, associate_id, can_respond) VALUES (" + topic + ", 1, true)");
        DB.execute("INSERT INTO chat_session (topic_id, first_message, last_message) SELECT " + topic
                + ", repeat('f', 8000), repeat('l', 8000) FROM generate_series(1, 60)");
        EventStreamClient.open(vertx, app.port(), "/api/v1/ChatSession/ForCurrentUser", "Authorization", agent("tje0"))
                .compose(stream -> awaitQueue(stream, ids -> ids.size() >= 60).map(ids -> {
                    ctx.verify(() -> {
                        assertTrue(!stream.ended().isComplete(), "still open");
                        assertEquals(1, app.longPoll().queueStreams());
                    });
                    return stream;
                }).compose(EventStreamClient::close))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a customer's token cannot open it (403); it counts as a parked request")
    void access(VertxTestContext ctx) {
        // The earlier tests' streams are closed by their clients; the server lets go of them a moment later.
        Await.condition(vertx, () -> app.longPoll().parked() == 0, "the earlier tests' streams let go of", 5_000)
                .compose(none -> EventStreamClient.open(vertx, app.port(), "/api/v1/ChatSession/ForCurrentUser",
                        "Authorization", app.customerAuthorization(1)))
                .compose(customer -> {
                    ctx.verify(() -> assertEquals(403, customer.status()));
                    return EventStreamClient.open(vertx, app.port(), "/api/v1/ChatSession/ForCurrentUser",
                            "Authorization", agent("tje0"));
                })
                .compose(stream -> awaitQueue(stream, ids -> true).map(v -> {
                    ctx.verify(() -> assertEquals(1, app.longPoll().parked()));
                    return stream;
                }).compose(EventStreamClient::close))
                .onComplete(ctx.succeedingThenComplete());
    }
}
