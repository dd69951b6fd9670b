package chatapi.auth;

import static chatapi.auth.AuthenticationTest.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.TestApp.Response;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Password guessing against the server as shipped (the default limits), from addresses the test names through
 * X-Forwarded-For of a trusted proxy (127.0.0.1, where the test client sits).
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Login throttling: guesses are counted when they start, per (user, address) and per address; nobody is locked out from elsewhere")
class LoginThrottleTest {

    private static final String ATTACKER = "203.0.113.9";
    private static final String AGENT = "198.51.100.7";

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Test
    @DisplayName("300 parallel guesses at tje0 from one address: at most 5 password checks, the rest 429 with Retry-After; tje0 logs in from another address meanwhile")
    void parallelGuesses(Vertx vertx, VertxTestContext ctx) {
        withApp(vertx, throttled(json -> { }), app -> passwordChecks(app).compose(checksBefore -> {
            List<Future<Response>> guesses = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                guesses.add(authenticate(app, basic("tje0", "guess" + i), ATTACKER));
            }
            Future<Response> agent = authenticate(app, basic("tje0", "Tje0"), AGENT);
            return Future.all(guesses).compose(all -> agent)
                    .compose(agentLogin -> authenticate(app, basic("tje0", "Tje0"), ATTACKER)
                            .compose(attackerWithRightPassword -> metrics(app).map(metrics -> {
                                ctx.verify(() -> {
                                    Map<Integer, Integer> statuses = statuses(guesses);
                                    assertEquals(5, statuses.getOrDefault(401, 0), statuses.toString());
                                    assertEquals(295, statuses.getOrDefault(429, 0), statuses.toString());
                                    Response refused = guesses.stream().map(Future::result)
                                            .filter(r -> r.status() == 429).findFirst().orElseThrow();
                                    assertEquals("60", refused.header("Retry-After"), "5 attempts per 300 s: one a minute");
                                    assertEquals("TooManyRequests", refused.json().getString("ErrorType"));
                                    assertEquals(5 + 1, counter(metrics, "chat_auth_password_checks_total") - checksBefore,
                                            "five guesses and the agent's login were checked, nothing else");
                                    assertEquals(200, agentLogin.status(), "the agent logs in from its own address");
                                    assertEquals(429, attackerWithRightPassword.status(),
                                            "the guessing address stays throttled, right password or not");
                                    int retry = Integer.parseInt(attackerWithRightPassword.header("Retry-After"));
                                    assertTrue(retry >= 50 && retry <= 60, "about a minute until the next attempt: " + retry);
                                });
                                return metrics;
                            })));

        })).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("one address guessing many user names is refused after authMaxFailuresPerAddress; other addresses log in")
    void perAddress(Vertx vertx, VertxTestContext ctx) {
        withApp(vertx, throttled(json -> json.put("authMaxFailuresPerAddress", 8)), app -> {
            List<Response> answers = new ArrayList<>();
            Future<Void> guesses = Future.succeededFuture();
            for (int i = 0; i < 12; i++) {
                String user = "user" + i;
                guesses = guesses.compose(v -> app.request(HttpMethod.POST, "/api/v1/Authenticate", null,
                        "Authorization", basic(user, "x"), "X-Forwarded-For", ATTACKER).map(r -> {
                            answers.add(r);
                            return null;
                        }));
            }
            return guesses.compose(v -> app.request(HttpMethod.POST, "/api/v1/Authenticate", null,
                            "Authorization", basic("tje0", "Tje0"), "X-Forwarded-For", AGENT))
                    .map(agent -> {
                        ctx.verify(() -> {
                            assertEquals(List.of(401, 401, 401, 401, 401, 401, 401, 401, 429, 429, 429, 429),
                                    answers.stream().map(Response::status).toList());
                            assertEquals(200, agent.status());
                        });
                        return agent;
                    });
        }).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("X-Forwarded-For from a trusted proxy: entries left of the right-most untrusted one are the client's own words and change nothing")
    void forwardedFor(Vertx vertx, VertxTestContext ctx) {
        Function<TestApp, Future<Response>> spoofing = app -> {
            Future<Void> guesses = Future.succeededFuture();
            for (int i = 0; i < 5; i++) {
                String spoofed = "10.9.9." + i + ", " + ATTACKER;
                guesses = guesses.compose(v -> app.request(HttpMethod.POST, "/api/v1/Authenticate", null,
                        "Authorization", basic("tje0", "wrong"), "X-Forwarded-For", spoofed).mapEmpty());
            }
            return guesses.compose(v -> app.request(HttpMethod.POST, "/api/v1/Authenticate", null,
                    "Authorization", basic("tje0", "wrong"), "X-Forwarded-For", "10.9.9.99, " + ATTACKER));
        };
        withApp(vertx, throttled(json -> { }), app -> spoofing.apply(app)
                .compose(sixth -> Future.all(
                                app.post("/api/v1/ChatSession", "{\"TopicId\":1}",
                                        "X-Forwarded-For", "192.0.2.55, " + AGENT + ", 127.0.0.1"),
                                app.post("/api/v1/ChatSession", "{\"TopicId\":1}",
                                        "X-Forwarded-For", AGENT + ", not-an-address"),
                                app.post("/api/v1/ChatSession", "{\"TopicId\":1}",
                                        "X-Forwarded-For", "2001:0db8:0:0:0:0:0:0001"))
                        .map(created -> {
                            ctx.verify(() -> {
                                assertEquals(429, sixth.status(), "all five counted for " + ATTACKER);
                                assertEquals(AGENT, created.<Response>resultAt(0).json().getString("CustomerHost"),
                                        "the right-most untrusted entry, a trusted proxy's skipped");
                                assertEquals("127.0.0.1", created.<Response>resultAt(1).json().getString("CustomerHost"),
                                        "garbage where the client should be: the proxy that vouched, never further left");
                                assertEquals("2001:db8::1", created.<Response>resultAt(2).json().getString("CustomerHost"),
                                        "canonical");
                            });
                            return created;
                        })))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a user name longer than any agent's (50) is refused without a password check or a count")
    void longUserNames(Vertx vertx, VertxTestContext ctx) {
        withApp(vertx, throttled(json -> { }), app -> passwordChecks(app).compose(before -> {
            Future<Void> all = Future.succeededFuture();
            for (int i = 0; i < 10; i++) {
                String name = "x".repeat(51) + i;
                all = all.compose(v -> app.request(HttpMethod.POST, "/api/v1/Authenticate", null,
                        "Authorization", basic(name, "x"), "X-Forwarded-For", ATTACKER).map(r -> {
                            ctx.verify(() -> assertEquals(401, r.status()));
                            return null;
                        }));
            }
            return all.compose(v -> passwordChecks(app)).map(after -> {
                ctx.verify(() -> assertEquals(before, after));
                return after;
            });
        })).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("without trustedProxies X-Forwarded-For is ignored: the socket's address counts")
    void forwardedForIgnored(Vertx vertx, VertxTestContext ctx) {
        withApp(vertx, json -> { }, app -> app.post("/api/v1/ChatSession", "{\"TopicId\":1}", "X-Forwarded-For", AGENT)
                .map(created -> {
                    ctx.verify(() -> assertEquals("127.0.0.1", created.json().getString("CustomerHost")));
                    return created;
                }))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a flood of logins with made-up names from many addresses: hashing is bounded (503 at once beyond it), every request is answered, Bearer, ticket and cached Basic requests are served meanwhile")
    void hashFlood(Vertx vertx, VertxTestContext ctx) {
        // The agent logs in first: its ticket, and its Basic login now cached, need no hash during the flood.
        withApp(vertx, throttled(json -> json.put("authHashThreads", 1).put("authHashQueue", 19)), app -> app.request(
                HttpMethod.POST, "/api/v1/Authenticate", null, "Authorization", basic("tje0", "Tje0"),
                "X-Forwarded-For", AGENT).compose(login -> passwordChecks(app).compose(checksBefore -> {
            String ticket = "SOTicket " + login.json().getString("Ticket");
            List<Future<Response>> flood = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                flood.add(authenticate(app, basic("nobody" + i, "x"), "198.18.0." + (i % 250)));
            }
            List<Future<Response>> bearer = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                bearer.add(app.get("/api/v1/ChatSession/1"));
                bearer.add(app.get("/api/v1/ChatSession/1", "Authorization", ticket));
                bearer.add(app.get("/api/v1/ChatSession/1", "Authorization", basic("tje0", "Tje0"),
                        "X-Forwarded-For", AGENT));
            }
            return Future.all(bearer)
                    .map(served -> {
                        // Bearer, ticket and cached Basic requests were answered while the flood was still being hashed.
                        ctx.verify(() -> assertTrue(flood.stream().anyMatch(f -> !f.isComplete()),
                                "the flood outlasted the other requests"));
                        return served;
                    })
                    .compose(served -> Future.all(flood))
                    .compose(all -> metrics(app))
                    .map(metrics -> {
                        ctx.verify(() -> {
                            bearer.forEach(f -> assertEquals(200, f.result().status()));
                            Map<Integer, Integer> statuses = statuses(flood);
                            assertEquals(200, statuses.values().stream().mapToInt(Integer::intValue).sum());
                            // 1 hashing and 19 waiting: the other 180 refused at once, but for the few that find a
                            // place freed by a check that ended while the flood still arrived.
                            assertTrue(statuses.getOrDefault(503, 0) >= 150, "beyond 1 hashing and 19 waiting: "
                                    + statuses);
                            assertEquals(200, statuses.getOrDefault(401, 0) + statuses.getOrDefault(503, 0),
                                    statuses.toString());
                            long checks = counter(metrics, "chat_auth_password_checks_total") - checksBefore;
                            assertEquals(statuses.get(401).longValue(), checks, "a hash for each 401, none for a 503");
                            Response busy = flood.stream().map(Future::result).filter(r -> r.status() == 503)
                                    .findFirst().orElseThrow();
                            assertEquals("1", busy.header("Retry-After"));
                        });
                        return metrics;
                    });

        }))).onComplete(ctx.succeedingThenComplete());
    }

    // ---------------------------------------------------------------------------------------------

    /** The shipped throttling defaults (the suite's servers raise them), behind a trusted proxy at 127.0.0.1. */
    private static Consumer<JsonObject> throttled(Consumer<JsonObject> more) {
        return json -> {
            json.put("authMaxFailuresPerUserAndAddress", 5).put("authMaxFailuresPerAddress", 50)
                    .put("trustedProxies", "127.0.0.1");
            more.accept(json);
        };
    }

    private static Future<Void> withApp(Vertx vertx, Consumer<JsonObject> changes, Function<TestApp, Future<?>> body) {
        return TestApp.start(vertx, DB.config(changes))
                .compose(app -> body.apply(app).transform(result -> app.stop()
                        .compose(v -> result.succeeded() ? Future.succeededFuture() : Future.failedFuture(result.cause()))));
    }

    /** POST /api/v1/Authenticate from the given client address (TestApp's client sends requests together). */
    private static Future<Response> authenticate(TestApp app, String authorization, String from) {
        return app.request(HttpMethod.POST, "/api/v1/Authenticate", null, "Authorization", authorization,
                "X-Forwarded-For", from);
    }

    private static Map<Integer, Integer> statuses(List<Future<Response>> answers) {
        Map<Integer, Integer> counts = new TreeMap<>();
        answers.forEach(f -> counts.merge(f.result().status(), 1, Integer::sum));
        return counts;
    }

    private static Future<String> metrics(TestApp app) {
        return app.get("/metrics").map(r -> r.body().toString());
    }

    private static Future<Long> passwordChecks(TestApp app) {
        return metrics(app).map(text -> counter(text, "chat_auth_password_checks_total"));
    }

    /** A counter's value in the Prometheus text (0 when absent). */
    static long counter(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
