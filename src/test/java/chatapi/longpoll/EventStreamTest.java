package chatapi.longpoll;

import static chatapi.support.TestApp.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.EventStreamClient;
import chatapi.support.EventStreamClient.Event;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@DisplayName("Server-Sent Events: GET …/Messages with Accept: text/event-stream streams the session's messages")
class EventStreamTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    /**
     * A one-second heartbeat, so that the test sees one without waiting 15 s; two streams per customer; pages of
     * 50; every Basic login checked (no cache), so that its check takes the time of a password hash.
     */
    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB, json -> json.put("sseHeartbeatSeconds", 1)
            .put("maxParkedPerCustomer", 2).put("maxMessagesPerAnswer", 50).put("basicCacheSeconds", 0));

    static Vertx vertx;

    @BeforeAll
    static void vertx(Vertx classVertx) {
        vertx = classVertx;
    }

    private static Future<EventStreamClient> open(String path, String... headers) {
        String[] withAuth = headers;
        boolean credentials = false;
        for (int i = 0; i < headers.length; i += 2) {
            credentials |= headers[i].equalsIgnoreCase("Authorization");
        }
        if (!credentials) {
            withAuth = java.util.Arrays.copyOf(headers, headers.length + 2);
            withAuth[headers.length] = "Authorization";
            withAuth[headers.length + 1] = app.agentAuthorization();
        }
        return EventStreamClient.open(vertx, app.port(), path, withAuth);
    }

    private static String messages(int session) {
        return "/api/v1/ChatSession/" + session + "/Messages";
    }

    private static Future<Integer> post(int session, String text) {
        return app.post(messages(session), "{\"Message\":\"" + text + "\",\"Type\":\"ToCustomer\",\"Author\":\"tje0\"}")
                .map(r -> {
                    assertEquals(200, r.status(), r.body().toString());
                    return r.json().getInteger("ChatMessageId");
                });
    }

    private static List<Integer> eventIds(List<Event> events) {
        return events.stream().map(e -> Integer.parseInt(e.id())).toList();
    }

    @Test
    @DisplayName("first the messages newer than after, then each new one as it is committed, in id order, each once")
    void catchUpThenLive(VertxTestContext ctx) {
        int session = DB.newSession();
        post(session, "one").compose(one -> post(session, "two").compose(two ->
                open(messages(session) + "?after=" + one).compose(stream -> {
                    ctx.verify(() -> {
                        assertEquals(200, stream.status());
                        assertEquals("text/event-stream; charset=utf-8", stream.header("Content-Type"));
                        assertEquals("no-cache", stream.header("Cache-Control"));
                        assertEquals("no", stream.header("X-Accel-Buffering"));
                    });
                    return stream.awaitEvents("message", 1)
                            .compose(first -> post(session, "three"))
                            .compose(three -> {
                                DB.execute("INSERT INTO chat_message (chat_session_id, message) VALUES ("
                                        + session + ", 'four, from psql')");
                                return stream.awaitEvents("message", 3);
                            })
                            .compose(events -> app.get(messages(session)).map(all -> {
                                ctx.verify(() -> {
                                    JsonArray stored = all.jsonArray();
                                    assertEquals(ids(stored).subList(1, 4), eventIds(events));
                                    for (int i = 0; i < 3; i++) { // data: the ChatMessage as GET writes it
                                        assertEquals(stored.getJsonObject(i + 1), events.get(i).json());
                                    }
                                });
                                return stream;
                            }))
                            .compose(EventStreamClient::close);
                })))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a stream far behind catches up page by page (pages of 50 here) with every message once, in order, then goes on live")
    void catchUpManyPages(VertxTestContext ctx) {
        int session = DB.newSession();
        DB.execute("INSERT INTO chat_message (chat_session_id, message) SELECT " + session
                + ", 'old ' || g FROM generate_series(1, 175) g");
        open(messages(session) + "?after=0").compose(stream -> stream.awaitEvents("message", 175)
                        .compose(caughtUp -> post(session, "new"))
                        .compose(id -> stream.awaitEvents("message", 176).map(events -> {
                            ctx.verify(() -> {
                                List<Integer> ids = eventIds(events);
                                assertEquals(176, ids.size());
                                assertEquals(ids.stream().sorted().distinct().toList(), ids, "ascending, each once");
                                assertEquals(id, ids.get(175));
                                assertEquals("old 1", events.get(0).json().getString("Message"));
                            });
                            return stream;
                        }))
                        .compose(EventStreamClient::close))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("Last-Event-ID (an EventSource reconnecting) wins over after: nothing lost, nothing twice")
    void lastEventIdResumes(VertxTestContext ctx) {
        int session = DB.newSession();
        post(session, "a").compose(a -> post(session, "b").compose(b -> post(session, "c").compose(c ->
                open(messages(session) + "?after=0", "Last-Event-ID", String.valueOf(a))
                        .compose(stream -> stream.awaitEvents("message", 2)
                                .map(events -> {
                                    ctx.verify(() -> assertEquals(List.of(b, c), eventIds(events)));
                                    return stream;
                                })
                                .compose(EventStreamClient::close)))))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("an idle stream gets a comment every sseHeartbeatSeconds")
    void heartbeat(VertxTestContext ctx) {
        int session = DB.newSession();
        open(messages(session)).compose(stream -> stream
                        .await(all -> all.stream().filter(e -> "keep-alive".equals(e.comment())).count() >= 2)
                        .map(all -> {
                            ctx.verify(() -> assertTrue(EventStreamClient.named(all, "message").isEmpty()));
                            return stream;
                        })
                        .compose(EventStreamClient::close))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("the stream ends when the credential expires")
    void endsAtExpiry(VertxTestContext ctx) {
        int session = DB.newSession();
        String token = "Bearer " + app.tokens().sign("customer", session, "visitor", 2);
        long opened = System.currentTimeMillis();
        open(messages(session), "Authorization", token).compose(stream -> stream.ended()
                        .compose(v -> stream.events())
                        .map(all -> {
                            ctx.verify(() -> {
                                assertEquals(200, stream.status());
                                assertEquals("credential expired", all.get(all.size() - 1).comment());
                                assertTrue(System.currentTimeMillis() - opened < 4_000);
                            });
                            return stream;
                        })
                        .compose(EventStreamClient::close))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("deleting the session sends event: deleted and ends the stream")
    void deletedSession(VertxTestContext ctx) {
        int session = DB.newSession();
        open(messages(session)).compose(stream -> stream.await(all -> true)
                        .compose(v -> app.awaitCondition(() -> app.longPoll().streams() >= 1, "stream open"))
                        .compose(v -> app.request(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/ChatSession/" + session,
                                null))
                        .compose(deleted -> stream.ended())
                        .compose(v -> stream.events())
                        .map(all -> {
                            ctx.verify(() -> {
                                Event last = all.get(all.size() - 1);
                                assertEquals("deleted", last.event());
                                assertEquals(session, last.json().getInteger("ChatSessionId"));
                                assertNull(last.id());
                            });
                            return stream;
                        })
                        .compose(EventStreamClient::close))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a customer streams its own session only; without credentials 401; an absent session 404")
    void access(VertxTestContext ctx) {
        int mine = DB.newSession();
        int other = DB.newSession();
        String customer = app.customerAuthorization(mine);
        open(messages(other), "Authorization", customer).compose(forbidden -> {
            ctx.verify(() -> assertEquals(403, forbidden.status()));
            return open(messages(mine), "Authorization", "");
        }).compose(anonymous -> {
            ctx.verify(() -> assertEquals(401, anonymous.status()));
            return open(messages(999_999));
        }).compose(absent -> {
            ctx.verify(() -> {
                assertEquals(404, absent.status());
                assertTrue(absent.header("Content-Type").startsWith("application/json"));
                assertEquals(0, app.longPoll().streams());
            });
            return open(messages(mine), "Authorization", customer);
        }).compose(own -> {
            ctx.verify(() -> assertEquals(200, own.status()));
            return own.close();
        }).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("an EventSource's credentials: access_token in the query (RFC 6750) and the ticket cookie without the XSRF header open a stream, nothing else")
    void eventSourceCredentials(VertxTestContext ctx) {
        int session = DB.newSession();
        String token = app.customerAuthorization(session).substring("Bearer ".length());
        String query = messages(session) + "?after=0&access_token=" + token;
        EventStreamClient.open(vertx, app.port(), query).compose(byQuery -> {
            ctx.verify(() -> assertEquals(200, byQuery.status()));
            return byQuery.close().compose(v -> EventStreamClient.open(vertx, app.port(),
                    "/api/v1/ChatSession/" + DB.newSession() + "/Messages?access_token=" + token));
        }).compose(otherSession -> {
            ctx.verify(() -> assertEquals(403, otherSession.status()));
            return app.get(query, "Authorization", null); // not a stream: the query parameter is no credential
        }).compose(json -> {
            ctx.verify(() -> assertEquals(401, json.status()));
            return app.post("/api/v1/Authenticate", "", "Authorization", "Basic dGplMDpUamUw");
        }).compose(login -> {
            String ticket = login.headers().getAll("Set-Cookie").stream().filter(c -> c.startsWith("SOTicket="))
                    .map(c -> c.split(";", 2)[0]).findFirst().orElseThrow();
            return EventStreamClient.open(vertx, app.port(), messages(session), "Cookie", ticket)
                    .compose(byCookie -> {
                        ctx.verify(() -> assertEquals(200, byCookie.status()));
                        return byCookie.close().compose(v -> app.get(messages(session), "Cookie", ticket));
                    });
        }).map(jsonByCookie -> {
            ctx.verify(() -> assertEquals(401, jsonByCookie.status(), "elsewhere the cookie needs its XSRF header"));
            return jsonByCookie;
        }).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("streams count in the per-credential cap: the third of one customer is a 429")
    void perCredentialCap(VertxTestContext ctx) {
        int session = DB.newSession();
        String customer = app.customerAuthorization(session);
        open(messages(session), "Authorization", customer).compose(one ->
                open(messages(session), "Authorization", customer).compose(two ->
                        open(messages(session), "Authorization", customer).compose(three -> {
                            ctx.verify(() -> {
                                assertEquals(200, one.status());
                                assertEquals(200, two.status());
                                assertEquals(429, three.status());
                                assertEquals("2", three.header("Retry-After"));
                            });
                            return Future.all(one.close(), two.close(), three.close());
                        })))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("Accept decides by q-value (a tie is JSON); an invalid Last-Event-ID is a 400; other routes 406")
    void negotiation(VertxTestContext ctx) throws Exception {
        int session = DB.newSession();
        app.get(messages(session), "Accept", "text/event-stream;q=0.5, application/json").compose(json -> {
            ctx.verify(() -> {
                assertEquals(200, json.status());
                assertEquals("application/json; charset=utf-8", json.header("Content-Type"));
            });
            return app.get(messages(session), "Accept", "text/event-stream, application/json");
        }).compose(tie -> {
            ctx.verify(() -> assertEquals("application/json; charset=utf-8", tie.header("Content-Type")));
            return open(messages(session), "Accept", "application/json;q=0.4, text/event-stream");
        }).compose(stream -> {
            ctx.verify(() -> assertEquals("text/event-stream; charset=utf-8", stream.header("Content-Type")));
            return stream.close().compose(v -> open(messages(session), "Last-Event-ID", "twelve"));
        }).compose(bad -> {
            ctx.verify(() -> {
                assertEquals(400, bad.status());
                assertTrue(bad.errorBody().encode().contains("Last-Event-ID"), bad.errorBody().encode());
            });
            return app.get("/api/v1/ChatSession/" + session, "Accept", "text/event-stream");
        }).map(other -> {
            ctx.verify(() -> assertEquals(406, other.status()));
            return other;
        }).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("SO-TimeZone applies to the data; the gauge chat_sse_streams counts open streams")
    void zoneAndGauge(VertxTestContext ctx) {
        int session = DB.newSession();
        open(messages(session), "SO-TimeZone", "Europe/Oslo").compose(stream -> post(session, "tz")
                .compose(id -> stream.awaitEvents("message", 1))
                .compose(events -> app.get("/metrics", "Authorization", null).map(metrics -> {
                    ctx.verify(() -> {
                        String when = events.get(0).json().getString("WhenPosted");
                        assertTrue(when.endsWith("+01:00") || when.endsWith("+02:00"), when);
                        assertTrue(metrics.body().toString().contains("chat_sse_streams 1.0"),
                                "the gauge counts the open stream");
                    });
                    return stream;
                }))
                .compose(EventStreamClient::close))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a client that stops reading is disconnected once its write queue is full, not buffered for")
    void slowReaderDisconnected(VertxTestContext ctx) {
        int session = DB.newSession();
        String request = "GET " + messages(session) + "?after=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Accept: text/event-stream\r\nAuthorization: " + app.agentAuthorization() + "\r\n\r\n";
        io.vertx.core.net.NetClient net = vertx.createNetClient();
        io.vertx.core.Promise<Void> firstBytes = io.vertx.core.Promise.promise();
        net.connect(app.port(), "127.0.0.1").compose(socket -> {
                    socket.handler(data -> {
                        socket.pause(); // reads nothing more: the kernel's buffers and then the server's queue fill
                        firstBytes.tryComplete();
                    });
                    return socket.write(request).compose(v -> firstBytes.future());
                })
                .compose(v -> app.awaitCondition(() -> app.longPoll().streams() == 1, "stream open"))
                .compose(v -> {
                    // 64 MiB of messages: far more than loopback's socket buffers hold.
                    DB.execute("INSERT INTO chat_message (chat_session_id, message) SELECT " + session
                            + ", repeat('x', 32000) FROM generate_series(1, 2000)");
                    return app.awaitCondition(() -> app.longPoll().streams() == 0, "the stream closed");
                })
                .eventually(net::close)
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a long-poll whose client leaves while its password is checked is not left parked")
    void leftDuringAuthentication(VertxTestContext ctx) {
        int session = DB.newSession();
        long parksBefore = app.longPoll().parks();
        String request = "GET " + messages(session) + "?after=2000000000&wait=60 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Basic dGplMDpUamUw\r\n\r\n";
        io.vertx.core.net.NetClient net = vertx.createNetClient();
        // The request, then the connection closed at once: the password's check (PBKDF2, on a pool of its own)
        // takes longer than the close takes to arrive, so the request parks on a closed connection, whose close
        // handler, set after the close, never runs: it would stay parked for its 60 s.
        net.connect(app.port(), "127.0.0.1")
                .compose(socket -> socket.write(request).compose(v -> socket.close()))
                .compose(v -> app.awaitCondition(() -> app.longPoll().parks() > parksBefore, "the request parked"))
                .compose(v -> app.awaitCondition(() -> app.longPoll().parked() == 0, "nothing left parked"))
                .eventually(net::close)
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a stream on one instance gets a message posted through another")
    void twoInstances(VertxTestContext ctx) throws Exception {
        TestApp other = TestApp.start(vertx, DB.config()).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        int session = DB.newSession();
        EventStreamClient.open(vertx, other.port(), messages(session), "Authorization", app.agentAuthorization())
                .compose(stream -> other.awaitCondition(() -> other.longPoll().streams() == 1, "stream open")
                        .compose(v -> post(session, "across"))
                        .compose(id -> stream.awaitEvents("message", 1).map(events -> {
                            ctx.verify(() -> assertEquals(List.of(id), eventIds(events)));
                            return stream;
                        }))
                        .compose(EventStreamClient::close))
                .eventually(other::stop)
                .onComplete(ctx.succeedingThenComplete());
    }
}
