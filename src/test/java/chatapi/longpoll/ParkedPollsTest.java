package chatapi.longpoll;

import static chatapi.support.TestApp.ids;
import static chatapi.support.TestApp.messagesAfter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp.Response;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("Long-poll: GET …/Messages?after=N parks until a newer message is committed")
class ParkedPollsTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    static Vertx vertx;

    @BeforeAll
    static void vertx(Vertx classVertx) {
        vertx = classVertx;
    }

    @Test
    @DisplayName("a parked request is answered with the message a POST stores")
    void wokenByPost(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        long wakeupsBefore = app.longPoll().wakeups();
        Future<Response> poll = app.get(messagesAfter(session, 0, 20));
        app.awaitParked(1)
                .compose(v -> app.post("/api/v1/ChatSession/" + session + "/Messages",
                        "{\"Message\":\"hello\",\"Type\":\"ToCustomer\",\"Author\":\"tje0\"}"))
                .compose(posted -> poll.map(answer -> {
                    ctx.verify(() -> {
                        assertEquals(200, posted.status());
                        assertEquals(200, answer.status());
                        JsonArray messages = answer.jsonArray();
                        assertEquals(1, messages.size());
                        assertEquals(posted.json(), messages.getJsonObject(0));
                        assertEquals("hello", messages.getJsonObject(0).getString("Message"));
                        assertEquals(wakeupsBefore + 1, app.longPoll().wakeups());
                        assertEquals(0, app.longPoll().parked());
                    });
                    return answer;
                }))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("the widget's re-poll after a wake-up parks without a query, and the next message still wakes it")
    void quietRepoll(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        long[] quietBefore = {0};
        Future<Response> first = app.get(messagesAfter(session, 0, 20));
        app.awaitParked(1)
                .compose(v -> insert(session, "one"))
                .compose(one -> first.compose(answer -> {
                    ctx.verify(() -> assertEquals(List.of(one), ids(answer.jsonArray())));
                    quietBefore[0] = app.longPoll().quietParks();
                    Future<Response> again = app.get(messagesAfter(session, one, 20));
                    return app.awaitParked(1).compose(v -> {
                        ctx.verify(() -> assertEquals(quietBefore[0] + 1, app.longPoll().quietParks(),
                                "parked on what the wake-up taught, without a query"));
                        return insert(session, "two");
                    }).compose(two -> again.map(next -> {
                        ctx.verify(() -> assertEquals(List.of(two), ids(next.jsonArray())));
                        return next;
                    }));
                }))
                // Older than what is known: a query, which finds both.
                .compose(v -> app.get(messagesAfter(session, 0, 20)))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertEquals(2, all.jsonArray().size());
                    assertEquals(quietBefore[0] + 1, app.longPoll().quietParks());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a request parked on a session that is then deleted ends 404 at once, and so does the next")
    void deletedWhileParked(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        Future<Response> poll = app.get(messagesAfter(session, 0, 60));
        app.awaitParked(1)
                .compose(v -> vertx.executeBlocking(() -> {
                    DB.execute("DELETE FROM chat_session WHERE chat_session_id = " + session);
                    return null;
                }))
                .compose(v -> poll)
                .compose(answer -> {
                    ctx.verify(() -> assertEquals(404, answer.status()));
                    return app.get(messagesAfter(session, 0, 60));
                })
                .onComplete(ctx.succeeding(next -> ctx.verify(() -> {
                    assertEquals(404, next.status());
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a parked request is woken by a plain SQL INSERT from another connection")
    void wokenBySqlInsert(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        Future<Response> poll = app.get(messagesAfter(session, 0, 20));
        app.awaitParked(1)
                .compose(v -> insert(session, "from psql"))
                .compose(id -> poll.map(answer -> {
                    ctx.verify(() -> {
                        assertEquals(200, answer.status());
                        assertEquals(List.of(id), ids(answer.jsonArray()));
                        assertEquals("from psql", answer.jsonArray().getJsonObject(0).getString("Message"));
                    });
                    return answer;
                }))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("waiters on one session with different after values each get exactly their own messages")
    void eachWaiterGetsItsOwnMessages(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        int last = maxMessageId();
        Future<Response> fromLast = app.get(messagesAfter(session, last, 20));
        Future<Response> fromLastPlusOne = app.get(messagesAfter(session, last + 1, 20));
        Future<Response> fromLastPlusTwo = app.get(messagesAfter(session, last + 2, 20));
        Future<Response> beyond = app.get(messagesAfter(session, last + 50, 1));
        app.awaitParked(4)
                .compose(v -> insertThree(session))
                .compose(ids -> Future.all(fromLast, fromLastPlusOne, fromLastPlusTwo, beyond).map(all -> {
                    ctx.verify(() -> {
                        assertEquals(List.of(last + 1, last + 2, last + 3), ids, "ids follow commit order");
                        assertEquals(ids, ids(fromLast.result().jsonArray()));
                        assertEquals(ids.subList(1, 3), ids(fromLastPlusOne.result().jsonArray()));
                        assertEquals(ids.subList(2, 3), ids(fromLastPlusTwo.result().jsonArray()));
                        assertEquals(List.of(), ids(beyond.result().jsonArray()), "nothing newer than last+50");
                    });
                    return all;
                }))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("200 waiters on one session are all answered by one wake-up query")
    void oneQueryServesEveryWaiterOfASession(Vertx vertx, VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        io.vertx.core.http.HttpClient client = vertx.createHttpClient(
                new io.vertx.core.http.PoolOptions().setHttp1MaxSize(200));
        List<Future<Integer>> polls = new ArrayList<>();
        Promise<Void> sent = Promise.promise();
        vertx.runOnContext(v -> {
            for (int i = 0; i < 200; i++) {
                polls.add(client.request(io.vertx.core.http.HttpMethod.GET, app.port(), "127.0.0.1",
                                messagesAfter(session, 0, 20))
                        .compose(req -> req.putHeader("Authorization", app.agentAuthorization()).send().compose(resp -> resp.body()
                                .map(body -> ids(body.toJsonArray()).size()))));
            }
            sent.complete();
        });
        long[] queriesBefore = new long[1];
        sent.future()
                .compose(v -> app.awaitParked(200))
                .compose(v -> {
                    queriesBefore[0] = app.longPoll().wakeQueries();
                    return insert(session, "to everyone");
                })
                .compose(id -> Future.all(polls))
                .compose(all -> {
                    ctx.verify(() -> {
                        polls.forEach(p -> assertEquals(1, p.result()));
                        assertEquals(queriesBefore[0] + 1, app.longPoll().wakeQueries());
                    });
                    return client.close();
                })
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("without a message, the request is answered [] when its wait runs out")
    void timeoutAnswersEmpty(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        long timeoutsBefore = app.longPoll().timeouts();
        long started = System.nanoTime();
        app.get(messagesAfter(session, 0, 1)).onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals(200, answer.status());
            assertEquals(new JsonArray(), answer.jsonArray());
            assertTrue(elapsedMs >= 950, "answered after " + elapsedMs + " ms, before its wait of 1 s");
            assertEquals(timeoutsBefore + 1, app.longPoll().timeouts());
            assertEquals(0, app.longPoll().parked());
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("wait=0 never parks: an empty answer comes at once")
    void waitZeroNeverParks(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        app.get(messagesAfter(session, 0, 0)).onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
            assertEquals(200, answer.status());
            assertEquals(new JsonArray(), answer.jsonArray());
            assertEquals(0, app.longPoll().parked());
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("wait outside 0..120 is a 400")
    void badWait(VertxTestContext ctx) {
        Future.all(app.get("/api/v1/ChatSession/1/Messages?after=0&wait=121"),
                        app.get("/api/v1/ChatSession/1/Messages?after=0&wait=-1"),
                        app.get("/api/v1/ChatSession/1/Messages?after=0&wait=soon"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    for (int i = 0; i < 3; i++) {
                        Response r = all.resultAt(i);
                        assertEquals(400, r.status());
                        assertTrue(r.json().getString("ErrorMessage").startsWith("'wait' must be an integer from 0"),
                                r.json().encode());
                    }
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("an absent session is a 404 even when the request would park")
    void absentSessionIsNotFound(VertxTestContext ctx) {
        app.get(messagesAfter(987654, 0, 20)).onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
            assertEquals(404, answer.status());
            assertEquals("SoNotFoundException", answer.json().getString("ErrorType"));
            assertEquals(0, app.longPoll().parked());
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("a client that disconnects frees its waiter at once")
    void disconnectFreesTheWaiter(Vertx vertx, VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        NetClient tcp = vertx.createNetClient();
        tcp.connect(app.port(), "127.0.0.1")
                .compose(socket -> socket.write("GET " + messagesAfter(session, 0, 60)
                                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + app.agentAuthorization() + "\r\n\r\n")
                        .compose(v -> app.awaitParkedExactly(1))
                        .compose(v -> socket.close()))
                .compose(v -> app.awaitParkedExactly(0))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a message committed while the request first looks at the table is not lost")
    void noLostWakeUpForACommitDuringTheFirstLook(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        // The message is inserted but not committed while the request looks and parks; it commits after.
        Connection writer = DB.connect();
        writer.setAutoCommit(false);
        int id = insertOn(writer, session, "racing");
        Future<Response> poll = app.get(messagesAfter(session, 0, 20));
        app.awaitParked(1)
                .compose(v -> commit(writer))
                .compose(v -> poll)
                .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
                    assertEquals(List.of(id), ids(answer.jsonArray()));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("requests racing with inserts always receive the message (100 rounds)")
    void racingRequestsAndInserts(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        race(session, 0, 0, 100).onComplete(ctx.succeedingThenComplete());
    }

    /** Each round: a request after the last id and an insert, sent together; the request must get the insert. */
    private Future<Void> race(int session, int last, int round, int rounds) {
        if (round == rounds) {
            return Future.succeededFuture();
        }
        Future<Response> poll = app.get(messagesAfter(session, last, 10));
        return insert(session, "round " + round)
                .compose(id -> poll.compose(answer -> ids(answer.jsonArray()).equals(List.of(id))
                        ? race(session, id, round + 1, rounds)
                        : Future.failedFuture(new AssertionError("round " + round + ": expected [" + id + "], got "
                                + answer.body()))));
    }

    @Test
    @DisplayName("beyond the cap on parked requests, a 503 with Retry-After and the error shape")
    void capGives503(Vertx vertx, VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        TestApp.start(vertx, DB.config(json -> json.put("maxParked", 2))).compose(capped -> {
            Future<Response> first = capped.get(messagesAfter(session, 0, 20));
            Future<Response> second = capped.get(messagesAfter(session, 0, 20));
            return capped.awaitParked(2)
                    .compose(v -> capped.get(messagesAfter(session, 0, 20)))
                    .map(third -> {
                        ctx.verify(() -> {
                            assertEquals(503, third.status());
                            assertEquals("2", third.header("Retry-After"));
                            assertEquals("ServiceUnavailable", third.json().getString("ErrorType"));
                            assertEquals(1, capped.longPoll().rejections());
                            assertEquals(2, capped.longPoll().parked());
                        });
                        return third;
                    })
                    .compose(v -> insert(session, "release"))
                    .compose(v -> Future.all(first, second))
                    .compose(v -> capped.stop());
        }).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("two instances on one database: parked on A, posted on B, A answers")
    void wokenFromAnotherInstance(Vertx vertx, VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        TestApp.start(vertx, DB.config()).compose(b -> {
            Future<Response> poll = app.get(messagesAfter(session, 0, 20));
            return app.awaitParked(1)
                    .compose(v -> b.post("/api/v1/ChatSession/" + session + "/Messages", "{\"Message\":\"via B\"}"))
                    .compose(posted -> poll.map(answer -> {
                        ctx.verify(() -> assertEquals(new JsonArray().add(posted.json()), answer.jsonArray()));
                        return answer;
                    }))
                    .compose(v -> b.stop());
        }).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("with several event loops, waiters on every loop are woken and the registry empties")
    void severalEventLoops(Vertx vertx, VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        TestApp.start(vertx, DB.config(json -> json.put("instances", 4))).compose(multi -> {
            List<Future<Response>> polls = new ArrayList<>();
            List<io.vertx.core.http.HttpClient> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                // One client (connection) each, so the connections spread over the event loops.
                io.vertx.core.http.HttpClient client = vertx.createHttpClient();
                clients.add(client);
                polls.add(client.request(io.vertx.core.http.HttpMethod.GET, multi.port(), "127.0.0.1",
                                messagesAfter(session, 0, 20))
                        .compose(req -> req.putHeader("Authorization", multi.agentAuthorization()).send().compose(resp -> resp.body()
                                .map(body -> new Response(resp.statusCode(), resp.headers(), body)))));
            }
            return multi.awaitParked(8)
                    .compose(v -> insert(session, "to all loops"))
                    .compose(id -> Future.all(polls).map(all -> {
                        ctx.verify(() -> {
                            for (Future<Response> p : polls) {
                                assertEquals(List.of(id), ids(p.result().jsonArray()));
                            }
                        });
                        return all;
                    }))
                    .compose(v -> multi.awaitParkedExactly(0))
                    .compose(v -> Future.all(clients.stream().map(io.vertx.core.http.HttpClient::close).toList()))
                    .compose(v -> multi.stop());
        }).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("after the LISTEN connection is terminated, a message inserted while it is away still reaches parked requests")
    void listenerReconnects(VertxTestContext ctx) throws SQLException {
        int session = DB.newSession();
        Future<Response> poll = app.get(messagesAfter(session, 0, 20));
        app.awaitParked(1)
                .compose(v -> insertDuringListenerOutage(session, "during the outage"))
                .compose(id -> poll.map(answer -> {
                    ctx.verify(() -> assertEquals(List.of(id), ids(answer.jsonArray())));
                    return answer;
                }))
                .compose(v -> app.get("/health/ready"))
                .onComplete(ctx.succeeding(ready -> ctx.verify(() -> {
                    assertEquals(200, ready.status(), ready.body().toString());
                    ctx.completeNow();
                })));
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    @DisplayName("a client that fell behind and parks while a wake query for its session runs still gets every message it lacks")
    void laggingWaiterJoiningDuringAWakeQuery() throws Exception {
        int session = DB.newSession();
        // The insert trigger's NOTIFY is off for this test: the test says when the wake query starts.
        sqlUpdate("ALTER TABLE chat_message DISABLE TRIGGER chat_message_notify");
        try (Connection t1 = DB.connect(); Connection t2 = DB.connect()) {
            int a = await(insert(session, "a"));
            int b = await(insert(session, "b"));
            Future<Response> upToDate = app.get(messagesAfter(session, b, 20));
            await(app.awaitParked(1));
            awaitNoActiveStatement(); // its first look has found nothing
            int c = await(insert(session, "c")); // committed, but nobody is told yet

            // The lagging client's first look (it reads chat_session) will wait behind t2's lock ...
            t2.setAutoCommit(false);
            t2.createStatement().execute("LOCK TABLE chat_session IN ACCESS EXCLUSIVE MODE");
            // ... and the wake query (chat_message only) behind t1's.
            t1.setAutoCommit(false);
            t1.createStatement().execute("LOCK TABLE chat_message IN ACCESS EXCLUSIVE MODE");
            sqlUpdate("SELECT pg_notify('chat_message', '" + session + "')");
            awaitStatements("wait_event_type = 'Lock' AND query LIKE '%unnest%'");
            Future<Response> behind = app.get(messagesAfter(session, a, 20));
            await(app.awaitParked(2));

            t1.commit(); // the wake query, taken for after = b, runs now; the lagging look still waits
            Response lagging = await(behind);
            t2.commit();
            assertEquals(List.of(b, c), ids(lagging.jsonArray()), "the lagging client gets b and c, not only c");
            assertEquals(List.of(c), ids(await(upToDate).jsonArray()));
        } finally {
            sqlUpdate("ALTER TABLE chat_message ENABLE TRIGGER chat_message_notify");
        }
    }

    @Test
    @DisplayName("a wake-up page that ends before an up-to-date waiter's messages (a lagging waiter on the same session took the page) does not strand it")
    void pageEndsBeforeAnUpToDateWaiter() throws Exception {
        int session = DB.newSession();
        // The insert trigger's NOTIFY is off for this test: the test says when the wake query starts.
        sqlUpdate("ALTER TABLE chat_message DISABLE TRIGGER chat_message_notify");
        try {
            int a = await(insert(session, "a"));
            Future<Response> lagging = app.get(messagesAfter(session, a, 20));
            await(app.awaitParked(1));
            awaitNoActiveStatement();
            sqlUpdate("INSERT INTO chat_message (chat_session_id, message) SELECT " + session + ", 'b' || i"
                    + " FROM generate_series(1, 1200) i");
            int last = Integer.parseInt(DB.value("SELECT max(chat_message_id) FROM chat_message"));
            Future<Response> upToDate = app.get(messagesAfter(session, last, 20));
            await(app.awaitParked(2));
            awaitNoActiveStatement();
            int c = await(insert(session, "c"));
            sqlUpdate("SELECT pg_notify('chat_message', '" + session + "')");
            // One query from after = a: its page (1,000 messages) ends before c.
            assertEquals(1000, await(lagging).jsonArray().size());
            assertEquals(List.of(c), ids(await(upToDate).jsonArray()), "the up-to-date waiter still gets c at once");
        } finally {
            sqlUpdate("ALTER TABLE chat_message ENABLE TRIGGER chat_message_notify");
        }
    }

    @Test
    @DisplayName("one notification listing several sessions (the API's coalesced form) wakes the requests parked on each, and a malformed entry spoils none of the others")
    void listedSessionsAreAllWoken() throws Exception {
        int s1 = DB.newSession();
        int s2 = DB.newSession();
        int s3 = DB.newSession();
        // The insert trigger's NOTIFY is off for this test: only the listed notification tells the instance.
        sqlUpdate("ALTER TABLE chat_message DISABLE TRIGGER chat_message_notify");
        try {
            Future<Response> p1 = app.get(messagesAfter(s1, 0, 20));
            Future<Response> p2 = app.get(messagesAfter(s2, 0, 20));
            Future<Response> p3 = app.get(messagesAfter(s3, 0, 20));
            awaitParkedAndLooked(app, 3);
            int m1 = await(insert(s1, "one"));
            int m2 = await(insert(s2, "two"));
            int m3 = await(insert(s3, "three"));
            long now = System.currentTimeMillis() * 1_000;
            // s3's entry carries fields a later version may add after the id (0: not known): they are left alone
            sqlUpdate("SELECT pg_notify('chat_message', '" + s1 + " " + now + ",x y," + s2 + "," + s3 + " " + now
                    + " 0 future fields')");
            assertEquals(List.of(m1), ids(await(p1).jsonArray()));
            assertEquals(List.of(m2), ids(await(p2).jsonArray()));
            assertEquals(List.of(m3), ids(await(p3).jsonArray()));
            assertEquals(0, app.longPoll().parked());
        } finally {
            sqlUpdate("ALTER TABLE chat_message ENABLE TRIGGER chat_message_notify");
        }
    }

    @Test
    @DisplayName("a message posted here answers this instance's up-to-date polls from itself, without a query; their re-polls park without one, and its notification costs none")
    void postedHereAnswersWithoutAQuery(Vertx vertx) throws Exception {
        int session = DB.newSession();
        int other = DB.newSession();
        // An instance of its own, so that what it counts is this test's alone.
        TestApp b = await(TestApp.start(vertx, DB.config()));
        try (Connection listener = DB.connect()) {
            Future<Response> customer = b.get(messagesAfter(session, 0, 20));
            Future<Response> agent = b.get(messagesAfter(session, 0, 20));
            Future<Response> elsewhere = b.get(messagesAfter(other, 0, 20));
            awaitParkedAndLooked(b, 3);
            long queries = b.longPoll().wakeQueries();
            listener.createStatement().execute("LISTEN chat_message");
            Response posted = await(b.post("/api/v1/ChatSession/" + session + "/Messages", "{\"Message\":\"direct\"}"));
            assertEquals(200, posted.status());
            int id = posted.json().getInteger("ChatMessageId");
            assertEquals(new JsonArray().add(posted.json()), await(customer).jsonArray());
            assertEquals(new JsonArray().add(posted.json()), await(agent).jsonArray());
            long quiet = b.longPoll().quietParks();
            Future<Response> repoll = b.get(messagesAfter(session, id, 20));
            await(b.awaitParked(2));
            assertEquals(quiet + 1, b.longPoll().quietParks(), "the re-poll parks on what the insert taught");
            // The message's notification names its id; once it has been sent, a plain INSERT's notification on another
            // session follows it, so when that session's poll is answered this instance has taken both.
            awaitNotification(listener, session + " ", " " + id);
            int byInsert = await(insert(other, "by sql"));
            assertEquals(List.of(byInsert), ids(await(elsewhere).jsonArray()));
            assertEquals(queries + 1, b.longPoll().wakeQueries(), "one wake-up query: the plain INSERT's session's");
            int next = await(insert(session, "next")); // the re-poll still wakes for the next message
            assertEquals(List.of(next), ids(await(repoll).jsonArray()));
        } finally {
            await(b.stop());
        }
    }

    @Test
    @DisplayName("a message inserted here goes only to the polls that have seen the one before it; a poll further behind is left to the query")
    void insertedGoesOnlyToPollsThatSawThePreviousMessage(Vertx vertx) throws Exception {
        int session = DB.newSession(); // no messages: polls after any id park
        TestApp b = await(TestApp.start(vertx, DB.config()));
        try {
            Future<Response> behind = b.get(messagesAfter(session, 5, 20));
            Future<Response> upToDate = b.get(messagesAfter(session, 7, 20));
            Future<Response> ahead = b.get(messagesAfter(session, 9, 20));
            awaitParkedAndLooked(b, 3);
            b.longPoll().inserted(new chatapi.message.ChatMessage(9, session, "ToUser", "nine", "x", 0, "None", "",
                    java.time.OffsetDateTime.now()), 7, 0, null);
            assertEquals(List.of(9), ids(await(upToDate).jsonArray()), "after 7, the message after 7");
            assertEquals(2, b.longPoll().parked(), "after 5: 6 and 7 may exist, not in hand; after 9: nothing newer");
            int real = await(insert(session, "real")); // its notification queries for the polls still parked
            assertEquals(List.of(real), ids(await(behind).jsonArray()));
            assertEquals(List.of(real), ids(await(ahead).jsonArray()));
        } finally {
            await(b.stop());
        }
    }

    /** Until a notification on chat_message has an entry starting and ending so (10 s at most). */
    private static void awaitNotification(Connection listener, String start, String end) throws Exception {
        org.postgresql.PGConnection pg = listener.unwrap(org.postgresql.PGConnection.class);
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            var batch = pg.getNotifications(200);
            for (var n : batch == null ? new org.postgresql.PGNotification[0] : batch) {
                for (String entry : n.getParameter().split(",")) {
                    if (entry.startsWith(start) && entry.endsWith(end)) {
                        return;
                    }
                }
            }
        }
        throw new AssertionError("no notification " + start + "… " + end);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static void sqlUpdate(String sql) throws SQLException {
        try (Connection c = DB.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Until {@code count} requests are parked on the instance and their first looks at the table are done. */
    private static void awaitParkedAndLooked(TestApp instance, int count) throws Exception {
        await(instance.awaitParked(count));
        awaitNoActiveStatement();
    }

    private static void awaitNoActiveStatement() throws Exception {
        awaitStatements("state = 'active'", 0);
    }

    private static void awaitStatements(String condition) throws Exception {
        awaitStatements(condition, 1);
    }

    /** Until {@code count} (or, for 1, at least one) other backends of this database match the condition. */
    private static void awaitStatements(String condition, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (Connection c = DB.connect(); Statement st = c.createStatement()) {
            String sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND pid <> pg_backend_pid() AND " + condition;
            while (true) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    int found = rs.getInt(1);
                    if (count == 0 ? found == 0 : found >= count) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no backend state where " + condition + " (count " + count + ")");
                }
                Thread.sleep(10); // polling pg_stat_activity for the condition, not a stand-in for it
            }
        }
    }

    private static int maxMessageId() throws SQLException {
        try (Connection c = DB.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(max(chat_message_id), 0) FROM chat_message")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A plain INSERT on its own JDBC connection, run off the event loop. */
    private static Future<Integer> insert(int session, String text) {
        return vertx.executeBlocking(() -> {
            try (Connection c = DB.connect()) {
                return insertOn(c, session, text);
            }
        });
    }

    private static Future<List<Integer>> insertThree(int session) {
        return vertx.executeBlocking(() -> {
            try (Connection c = DB.connect()) {
                c.setAutoCommit(false);
                List<Integer> ids = List.of(insertOn(c, session, "one"), insertOn(c, session, "two"),
                        insertOn(c, session, "three"));
                c.commit();
                return ids;
            }
        });
    }

    private static int insertOn(Connection c, int session, String text) throws SQLException {
        try (var ps = c.prepareStatement(
                "INSERT INTO chat_message (chat_session_id, message) VALUES (?, ?) RETURNING chat_message_id")) {
            ps.setInt(1, session);
            ps.setString(2, text);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Future<Void> commit(Connection writer) {
        return vertx.executeBlocking(() -> {
            writer.commit();
            writer.close();
            return null;
        });
    }

    /**
     * Terminates the LISTEN connection (waiting until its backend is gone) and keeps it from reconnecting (the database refuses new
     * connections) while a message is inserted on a connection opened beforehand: its NOTIFY reaches
     * no one, so only the re-check after the listener is back can deliver it.
     */
    private static Future<Integer> insertDuringListenerOutage(int session, String text) {
        return vertx.executeBlocking(() -> {
            try (Connection writer = DB.connect(); Connection admin = DB.connectAdmin();
                 Statement st = admin.createStatement()) {
                st.execute("ALTER DATABASE " + DB.name() + " WITH ALLOW_CONNECTIONS false");
                try {
                    try (ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                            + " WHERE datname = '" + DB.name() + "' AND application_name = 'chat-api listener'")) {
                        rs.next();
                        assertEquals(1, rs.getInt(1), "one LISTEN connection per instance");
                    }
                    return insertOn(writer, session, text);
                } finally {
                    st.execute("ALTER DATABASE " + DB.name() + " WITH ALLOW_CONNECTIONS true");
                }
            }
        });
    }
}
