package chatapi.message;

import static chatapi.support.TestApp.ids;
import static chatapi.support.TestApp.messagesAfter;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chatapi.support.TestApp.Response;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A session with a long history is answered in bounded pages; a client that continues from the last id loses nothing. */
@ExtendWith(VertxExtension.class)
@DisplayName("Bounded answers: at most maxMessagesPerAnswer messages (and about 1 MiB of text) per answer, oldest first")
class LongHistoryTest {

    @RegisterExtension
    @Order(1)
    static final TestDatabase DB = new TestDatabase();

    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.on(DB);

    @Test
    @DisplayName("2,500 messages: GET without after answers the oldest 1,000; continuing with after= the last id gets the rest, each once, in order")
    void pagesOfAThousand(VertxTestContext ctx) throws java.sql.SQLException {
        int session = DB.newSession();
        DB.execute("INSERT INTO chat_message (chat_session_id, message) SELECT " + session + ", 'm' || i"
                + " FROM generate_series(1, 2500) i");
        List<Integer> stored = storedIds(session);
        List<Integer> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        app.get("/api/v1/ChatSession/" + session + "/Messages")
                .compose(first -> continueFrom(session, first, seen, sizes))
                .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
                    assertEquals(List.of(1000, 1000, 500, 0), sizes);
                    assertEquals(stored, seen);
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("messages of 32,000 characters: one answer stops after the one that crosses 1 MiB of text (33 of 40)")
    void boundedByText(VertxTestContext ctx) throws java.sql.SQLException {
        int session = DB.newSession();
        DB.execute("INSERT INTO chat_message (chat_session_id, message) SELECT " + session + ", repeat('x', 32000)"
                + " FROM generate_series(1, 40)");
        List<Integer> stored = storedIds(session);
        app.get("/api/v1/ChatSession/" + session + "/Messages?after=0&wait=0")
                .compose(first -> app.get(messagesAfter(session, last(first), 0)).map(second -> {
                    ctx.verify(() -> {
                        assertEquals(stored.subList(0, 33), ids(first.jsonArray()));
                        assertEquals(stored.subList(33, 40), ids(second.jsonArray()));
                    });
                    return second;
                }))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a parked poll woken by 1,500 messages in one commit gets the first 1,000; the next poll the other 500 at once")
    void wakeUpIsBounded(VertxTestContext ctx) {
        int session = DB.newSession();
        Future<Response> parked = app.get(messagesAfter(session, 0, 20));
        app.awaitParked(1)
                .compose(v -> {
                    DB.execute("INSERT INTO chat_message (chat_session_id, message) SELECT " + session + ", 'm' || i"
                            + " FROM generate_series(1, 1500) i");
                    return parked;
                })
                .compose(woken -> app.get(messagesAfter(session, last(woken), 20)).map(rest -> {
                    ctx.verify(() -> {
                        List<Integer> stored = storedIds(session);
                        assertEquals(200, woken.status());
                        assertEquals(stored.subList(0, 1000), ids(woken.jsonArray()));
                        assertEquals(stored.subList(1000, 1500), ids(rest.jsonArray()));
                    });
                    return rest;
                }))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("the Agents API's GetChatMessages answers the same first 1,000")
    void agentsApi(VertxTestContext ctx) {
        int session = DB.newSession();
        DB.execute("INSERT INTO chat_message (chat_session_id, message) SELECT " + session + ", 'm' || i"
                + " FROM generate_series(1, 1001) i");
        app.post("/api/v1/Agents/Chat/GetChatMessages",
                        new JsonObject().put("ChatSessionId", session).put("After", 0).encode())
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertEquals(200, resp.status());
                    assertEquals(storedIds(session).subList(0, 1000), ids(resp.jsonArray()));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a transcript holds at most 10,000 messages and says so in a last line when the conversation goes on")
    void transcriptIsBounded(VertxTestContext ctx) {
        int session = DB.newSession();
        DB.execute("INSERT INTO chat_message (chat_session_id, message, author) SELECT " + session + ", 'm' || i, 'a'"
                + " FROM generate_series(1, 10001) i");
        app.post("/api/v1/ChatSession/" + session + "/Transcript", "")
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertEquals(200, resp.status());
                    String[] lines = new io.vertx.core.json.JsonArray("[" + resp.body() + "]").getString(0).split("\n");
                    assertEquals(10_001, lines.length);
                    assertEquals(true, lines[9_999].endsWith("a: m10000"), lines[9_999]);
                    assertEquals("(the transcript ends here: it holds the first 10000 messages)", lines[10_000]);
                    ctx.completeNow();
                })));
    }

    /** Follows the widget's loop (wait=0): after= the last id of each answer, until an empty one. */
    private static Future<Void> continueFrom(int session, Response answer, List<Integer> seen, List<Integer> sizes) {
        JsonArray messages = answer.jsonArray();
        sizes.add(messages.size());
        seen.addAll(ids(messages));
        if (messages.isEmpty() || sizes.size() > 10) {
            return Future.succeededFuture();
        }
        return app.get(messagesAfter(session, last(answer), 0)).compose(next -> continueFrom(session, next, seen, sizes));
    }

    private static int last(Response answer) {
        JsonArray messages = answer.jsonArray();
        return messages.getJsonObject(messages.size() - 1).getInteger("ChatMessageId");
    }

    private static List<Integer> storedIds(int session) throws java.sql.SQLException {
        return DB.messageIds(List.of(session)).get(session);
    }
}
