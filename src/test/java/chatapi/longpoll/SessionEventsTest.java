package chatapi.longpoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.EventStreamClient;
import chatapi.support.EventStreamClient.Event;
import chatapi.support.TestApp;
import chatapi.support.TestApp.Response;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("Session events: status, user, queue position and typing pushed to streams and waiting GETs")
class SessionEventsTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    /** Typing lasts one second here, and a credential may send three typing updates at once, then one a second. */
    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB, json -> json.put("typingTimeoutSeconds", 1)
            .put("typingUpdateBurst", 3).put("typingUpdatesPerSecond", 1));

    /** A second instance on the same database. */
    @RegisterExtension
    @Order(3)
    static final TestApp other = TestApp.on(DB, json -> json.put("typingTimeoutSeconds", 1));

    private static final String BASE = "/api/v1/ChatSession/";

    static Vertx vertx;

    @BeforeAll
    static void vertx(Vertx classVertx) {
        vertx = classVertx;
    }

    private static String tje0() {
        return "Bearer " + app.tokens().sign("agent", null, "tje0", 600);
    }

    /** A topic of its own, so that queue positions do not depend on other tests; tje0 responds in it. */
    private static int newTopic() {
        int topic = Integer.parseInt(DB.value("INSERT INTO chat_topic (name) VALUES ('live') RETURNING topic_id"));
        DB.execute("INSERT INTO chat_topic_agent (topic_id, associate_id, can_respond) VALUES (" + topic + ", 1, true)");
        return topic;
    }

    private static int queued(int topic, int secondsAgo) {
        return Integer.parseInt(DB.value("INSERT INTO chat_session (topic_id, when_requested) VALUES (" + topic
                + ", now() - interval '" + secondsAgo + " seconds') RETURNING chat_session_id"));
    }

    private static Future<EventStreamClient> stream(TestApp on, int session) {
        return EventStreamClient.open(vertx, on.port(), BASE + session + "/Messages", "Authorization",
                on.agentAuthorization());
    }

    private static Future<Response> patch(int session, String json, String authorization) {
        return app.request(HttpMethod.PATCH, BASE + session, Buffer.buffer(json), "Content-Type",
                "application/merge-patch+json", "Authorization", authorization);
    }

    private static List<JsonObject> sessionEvents(List<Event> all) {
        return EventStreamClient.named(all, "session").stream().map(Event::json).toList();
    }

    /** Once the stream's latest session event satisfies {@code condition}: that event. */
    private static Future<JsonObject> awaitState(EventStreamClient stream, java.util.function.Predicate<JsonObject> condition) {
        return stream.await(all -> {
            List<JsonObject> events = sessionEvents(all);
            return !events.isEmpty() && condition.test(events.get(events.size() - 1));
        }).map(all -> {
            List<JsonObject> events = sessionEvents(all);
            return events.get(events.size() - 1);
        });
    }

    @Test
    @DisplayName("a stream opens with the session's state (no id: line); QueuePosition 2 → 1 when the one ahead is picked up, then null with User and WhenStarted")
    void queuePositions(VertxTestContext ctx) {
        int topic = newTopic();
        int first = queued(topic, 30);
        int second = queued(topic, 20);
        int third = queued(topic, 10);
        stream(app, second).compose(s2 -> stream(other, third).compose(s3 -> awaitState(s2, e -> true)
                .compose(opened -> awaitState(s3, e -> true).map(opened3 -> {
                    ctx.verify(() -> {
                        assertEquals(new JsonObject().put("ChatSessionId", second).put("Status", "InQueue")
                                .put("Flags", "None").put("QueuePosition", 2).putNull("User").putNull("WhenStarted")
                                .putNull("WhenEnded"), opened);
                        assertEquals(3, opened3.getInteger("QueuePosition"));
                    });
                    return opened;
                }))
                .compose(v -> app.post(BASE + first + "/Pickup", "", "Authorization", tje0()))
                .compose(picked -> awaitState(s2, e -> Integer.valueOf(1).equals(e.getInteger("QueuePosition"))))
                .compose(v -> awaitState(s3, e -> Integer.valueOf(2).equals(e.getInteger("QueuePosition"))))
                .compose(v -> app.post(BASE + second + "/Pickup", "", "Authorization", tje0()))
                .compose(picked -> awaitState(s2, e -> "UserLast".equals(e.getString("Status"))))
                .compose(served -> awaitState(s3, e -> Integer.valueOf(1).equals(e.getInteger("QueuePosition")))
                        .compose(v -> s2.events()).map(all -> {
                            ctx.verify(() -> {
                                assertNull(served.getValue("QueuePosition"));
                                assertEquals(new JsonObject().put("AssociateId", 1).put("FullName", "Thomas J. Eriksen"),
                                        served.getJsonObject("User"));
                                assertNotNull(served.getString("WhenStarted"));
                                List<Integer> positions = sessionEvents(all).stream()
                                        .map(e -> e.getInteger("QueuePosition")).toList();
                                assertEquals(java.util.Arrays.asList(2, 1, null), positions, "each change once");
                                EventStreamClient.named(all, "session").forEach(e -> assertNull(e.id()));
                            });
                            return all;
                        }))
                .compose(v -> Future.all(s2.close(), s3.close()))))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a customer's typing reaches the agent's stream on another instance, and its expiry is pushed too; the agent's typing leaves the customer's flag alone")
    void typing(VertxTestContext ctx) {
        int session = DB.newSession();
        String customer = app.customerAuthorization(session);
        stream(other, session).compose(s -> awaitState(s, e -> true)
                .compose(v -> patch(session, "{\"Flags\":\"CustomerIsTyping\"}", customer))
                .compose(typed -> {
                    ctx.verify(() -> {
                        assertEquals(200, typed.status(), typed.body().toString());
                        assertEquals("CustomerIsTyping", typed.json().getString("Flags"));
                        assertNull(typed.json().getValue("CustomerName"), "a customer sees its session's state only");
                    });
                    return awaitState(s, e -> "CustomerIsTyping".equals(e.getString("Flags")));
                })
                .compose(v -> patch(session, "{\"Flags\":\"UserIsTyping\"}", tje0()))
                .compose(agentTyped -> {
                    ctx.verify(() -> assertEquals("CustomerIsTyping, UserIsTyping", agentTyped.json().getString("Flags")));
                    return awaitState(s, e -> "CustomerIsTyping, UserIsTyping".equals(e.getString("Flags")));
                })
                // Nobody refreshes: a second later both read as cleared, and the stream is told.
                .compose(v -> awaitState(s, e -> "None".equals(e.getString("Flags"))))
                .compose(v -> app.get(BASE + session))
                .map(agentView -> {
                    ctx.verify(() -> {
                        assertEquals("None", agentView.json().getString("Flags"));
                        assertEquals("3", DB.value("SELECT flags FROM chat_session WHERE chat_session_id = " + session),
                                "the bits stay as written; their time has passed");
                    });
                    return s;
                })
                .compose(EventStreamClient::close))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a customer PATCHes nothing but its typing flag (403, nothing stored); typing updates beyond the rate are 429, nothing stored, except the clearing of a set flag")
    void customerPatchLimits(VertxTestContext ctx) {
        int session = DB.newSession();
        String customer = app.customerAuthorization(session);
        Future.all(List.of(patch(session, "{\"CustomerName\":\"Mallory\"}", customer),
                        patch(session, "{\"Flags\":\"UserIsTyping\"}", customer),
                        patch(session, "{\"Flags\":\"CustomerIsTyping\",\"CustomerName\":\"Mallory\"}", customer),
                        patch(DB.newSession(), "{\"Flags\":\"CustomerIsTyping\"}", customer)))
                .compose(refused -> {
                    ctx.verify(() -> {
                        for (int i = 0; i < 4; i++) {
                            assertEquals(403, refused.<Response>resultAt(i).status(), "case " + i);
                        }
                        assertEquals("0", DB.value("SELECT flags FROM chat_session WHERE chat_session_id = " + session));
                        assertEquals("", DB.value("SELECT customer_name FROM chat_session WHERE chat_session_id = " + session));
                    });
                    // The burst (3) goes through, the fourth at once is refused and changes nothing.
                    return patch(session, "{\"Flags\":\"CustomerIsTyping\"}", customer)
                            .compose(r -> patch(session, "{\"Flags\":\"CustomerIsTyping\"}", customer))
                            .compose(r -> patch(session, "{\"Flags\":\"CustomerIsTyping\"}", customer))
                            .compose(r -> patch(session, "{\"Flags\":\"CustomerIsTyping\"}", customer));
                })
                .compose(limited -> {
                    ctx.verify(() -> {
                        assertEquals(429, limited.status());
                        assertEquals("1", limited.header("Retry-After"));
                        assertEquals("1", DB.value("SELECT flags FROM chat_session WHERE chat_session_id = " + session));
                    });
                    // Clearing what was set is never refused (the other side must not show "typing" for 6 s)...
                    return patch(session, "{\"Flags\":\"None\"}", customer);
                })
                .compose(cleared -> {
                    ctx.verify(() -> {
                        assertEquals(200, cleared.status());
                        assertEquals("0", DB.value("SELECT flags FROM chat_session WHERE chat_session_id = " + session));
                    });
                    // ...but a clearing with no set to end costs a token like a set: still none left.
                    return patch(session, "{\"Flags\":\"None\"}", customer);
                })
                .map(again -> {
                    ctx.verify(() -> assertEquals(429, again.status()));
                    return again;
                })
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("typing is not a change for If-Unmodified-Since or Last-Modified: an agent's conditional write after a customer typed succeeds")
    void typingKeepsLastModified(VertxTestContext ctx) {
        int session = DB.newSession();
        String customer = app.customerAuthorization(session);
        app.get(BASE + session).compose(before -> patch(session, "{\"Flags\":\"CustomerIsTyping\"}", customer)
                .compose(typed -> app.get(BASE + session))
                .compose(after -> {
                    ctx.verify(() -> {
                        assertEquals(before.header("Last-Modified"), after.header("Last-Modified"));
                        assertEquals(before.json().getString("WhenIdle"), after.json().getString("WhenIdle"));
                        assertNotEquals(before.header("ETag"), after.header("ETag"), "the flags did change");
                    });
                    return app.request(HttpMethod.PATCH, BASE + session, Buffer.buffer("{\"CustomerName\":\"Anna\"}"),
                            "Content-Type", "application/merge-patch+json", "If-Unmodified-Since",
                            before.header("Last-Modified"));
                }))
                .map(written -> {
                    ctx.verify(() -> {
                        assertEquals(200, written.status(), written.body().toString());
                        assertEquals("Anna", DB.value("SELECT customer_name FROM chat_session WHERE chat_session_id = " + session));
                    });
                    return written;
                })
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a waiting GET wakes for a change no session event shows (an agent's PUT of CustomerName) and for a typing flag expiring")
    void waitsWakeForEveryChange(VertxTestContext ctx) {
        int session = DB.newSession();
        String customer = app.customerAuthorization(session);
        app.get(BASE + session).compose(first -> {
            Future<Response> waiting = app.get(BASE + session + "?wait=20", "If-None-Match", first.header("ETag"));
            return app.awaitParked(1)
                    .compose(v -> app.request(HttpMethod.PATCH, BASE + session, Buffer.buffer("{\"CustomerName\":\"Bo\"}"),
                            "Content-Type", "application/merge-patch+json"))
                    .compose(patched -> waiting);
        }).compose(renamed -> {
            ctx.verify(() -> {
                assertEquals(200, renamed.status());
                assertEquals("Bo", renamed.json().getString("CustomerName"));
            });
            // The agent types; the customer waits on what it sees; nobody clears it: the expiry wakes the wait.
            return patch(session, "{\"Flags\":\"UserIsTyping\"}", tje0())
                    .compose(typed -> app.get(BASE + session, "Authorization", customer))
                    .compose(typing -> {
                        ctx.verify(() -> assertEquals("UserIsTyping", typing.json().getString("Flags")));
                        return app.get(BASE + session + "?wait=20", "Authorization", customer, "If-None-Match",
                                typing.header("ETag"));
                    });
        }).map(expired -> {
            ctx.verify(() -> {
                assertEquals(200, expired.status());
                assertEquals("None", expired.json().getString("Flags"));
            });
            return expired;
        }).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("GET sends an ETag; If-None-Match answers 304; with wait=S it parks until the session changes (200, new ETag)")
    void etagLongPoll(VertxTestContext ctx) {
        int session = DB.newSession();
        app.get(BASE + session).compose(first -> {
            String tag = first.header("ETag");
            ctx.verify(() -> assertTrue(tag != null && tag.startsWith("W/\""), tag));
            return app.get(BASE + session, "If-None-Match", tag).compose(same -> {
                ctx.verify(() -> {
                    assertEquals(304, same.status());
                    assertEquals(tag, same.header("ETag"));
                    assertEquals(0, same.body().length());
                });
                Future<Response> waiting = app.get(BASE + session + "?wait=20", "If-None-Match", tag);
                return app.awaitParked(1)
                        .compose(v -> app.post(BASE + session + "/Messages", "{\"Message\":\"news\",\"Type\":\"ToCustomer\"}"))
                        .compose(posted -> waiting)
                        .map(changed -> {
                            ctx.verify(() -> {
                                assertEquals(200, changed.status());
                                assertNotEquals(tag, changed.header("ETag"));
                                assertEquals("news", changed.json().getString("LastMessage"));
                                assertEquals(0, app.longPoll().parked());
                            });
                            return changed;
                        });
            });
        }).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a customer GETs its own session's state (others null, QueuePosition), waits on it with If-None-Match (304 at the end of the wait, 200 on pickup), and not another's")
    void customerWaitsOnItsSession(VertxTestContext ctx) {
        int topic = newTopic();
        int session = queued(topic, 5);
        String customer = app.customerAuthorization(session);
        app.get(BASE + session, "Authorization", customer).compose(view -> {
            String tag = view.header("ETag");
            ctx.verify(() -> {
                assertEquals(200, view.status());
                JsonObject entity = view.json();
                assertEquals(session, entity.getInteger("ChatSessionId"));
                assertEquals("InQueue", entity.getString("Status"));
                assertEquals(1, entity.getInteger("QueuePosition"));
                assertTrue(entity.containsKey("CustomerName") && entity.getValue("CustomerName") == null);
                assertTrue(entity.containsKey("TopicId") && entity.getValue("TopicId") == null);
            });
            long start = System.nanoTime();
            return app.get(BASE + session + "?wait=1", "Authorization", customer, "If-None-Match", tag)
                    .compose(unchanged -> {
                        ctx.verify(() -> {
                            assertEquals(304, unchanged.status());
                            assertTrue(System.nanoTime() - start >= 900_000_000L, "waited the second it asked for");
                        });
                        Future<Response> waiting = app.get(BASE + session + "?wait=20", "Authorization", customer,
                                "If-None-Match", tag);
                        return app.awaitParked(1)
                                .compose(v -> app.post(BASE + session + "/Pickup", "", "Authorization", tje0()))
                                .compose(picked -> waiting);
                    })
                    .compose(changed -> {
                        ctx.verify(() -> {
                            assertEquals(200, changed.status());
                            assertEquals("UserLast", changed.json().getString("Status"));
                            assertNull(changed.json().getValue("QueuePosition"));
                            assertEquals("Thomas J. Eriksen", changed.json().getJsonObject("User").getString("FullName"));
                        });
                        return app.get(BASE + DB.newSession(), "Authorization", customer);
                    });
        }).map(forbidden -> {
            ctx.verify(() -> assertEquals(403, forbidden.status()));
            return forbidden;
        }).onComplete(ctx.succeedingThenComplete());
    }
}
