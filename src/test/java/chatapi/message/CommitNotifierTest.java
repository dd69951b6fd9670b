package chatapi.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import chatapi.db.Database;
import chatapi.db.Migrations;
import chatapi.db.Unavailable;
import chatapi.support.LogCapture;
import chatapi.support.TestDatabase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The notification that follows a committed message (V11) when the database does not take it at once, or when
 * the connection is lost under the insert: the local waiters are woken, and the other instances hear of it once
 * the database takes the notification.
 */
@DisplayName("Notifying after the commit")
class CommitNotifierTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private Vertx vertx;
    private Context context;
    private Pool pool;
    private CommitNotifier.Wake wake;
    private CommitNotifier notifier;
    private MessageStore store;
    private final CompletableFuture<long[]> localWake = new CompletableFuture<>();
    /** Every local wake, in order. */
    private final List<Long> localWakes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Every message this instance was told it inserted: the message, the previous id, the time, the before token. */
    private final List<List<Object>> inserted = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void migrate() {
        Migrations.migrate(DB.config());
        Migrations.loadDemoData(DB.config());
    }

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        PgConnectOptions options = Database.connectOptions(DB.config());
        // Functions of schema notify_fault come before PostgreSQL's own: the tests shadow pg_notify with one that fails.
        options.getProperties().put("search_path", "notify_fault, pg_catalog, public");
        pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(options).using(vertx).build();
        wake = new CommitNotifier.Wake() {
            @Override
            public void notified(int session, long micros, int upTo) {
                localWakes.add((long) session);
                localWake.complete(new long[] {session, micros});
            }

            @Override
            public Object beforeInsert(int session) {
                return "before " + session;
            }

            @Override
            public void inserted(ChatMessage message, int previousId, long micros, Object before) {
                inserted.add(java.util.Arrays.asList(message, previousId, micros, before));
            }
        };
        notifier = new CommitNotifier(vertx, pool, wake);
        store = new MessageStore(pool, MessageStore.DEFAULT_MAX_MESSAGES, notifier);
    }

    @AfterEach
    void stop() throws Exception {
        DB.execute("DROP SCHEMA IF EXISTS notify_fault CASCADE");
        DB.execute("DROP TRIGGER IF EXISTS slow_insert ON chat_message");
        onContext(() -> pool.close());
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a notification the database refuses wakes this instance's waiters at once and reaches the others once it is taken")
    void refusedNotificationIsRetried() throws Exception {
        int session = DB.newSession();
        DB.execute("CREATE SCHEMA notify_fault");
        DB.execute("CREATE FUNCTION notify_fault.pg_notify(text, text) RETURNS void LANGUAGE plpgsql"
                + " AS $$ BEGIN RAISE EXCEPTION 'notifications refused'; END $$");
        try (Connection listener = DB.connect()) {
            listener.createStatement().execute("LISTEN chat_message");
            long before = System.currentTimeMillis() * 1_000;
            Optional<ChatMessage> stored = onContext(() -> store.insertMessage(session, message("refused"), false));
            assertTrue(stored.isPresent(), "the message is stored whatever becomes of its notification");

            long[] woken = localWake.get(10, TimeUnit.SECONDS);
            assertEquals(session, woken[0], "the local waiters of the session are woken");
            assertTrue(woken[1] >= before && woken[1] <= System.currentTimeMillis() * 1_000,
                    "with the time the message was written: " + woken[1]);
            assertEquals(List.of(), notifications(listener, 300), "nothing reached the other instances yet");

            DB.execute("DROP SCHEMA notify_fault CASCADE");
            List<String> arrived = notifications(listener, 10_000);
            assertEquals(List.of(session + " " + woken[1] + " " + stored.get().chatMessageId()), arrived,
                    "one notification, with the message's id, once the database took it");
            onContext(() -> notifier.settled(10_000));
        }
    }

    @Test
    @DisplayName("refused batches wake the local waiters of every session in them, and once the database takes notifications again the sessions' retries go out together: each session once, in one or two notifications, not one per session")
    void refusedBatchesAreRetriedTogether() throws Exception {
        DB.execute("CREATE SCHEMA notify_fault");
        DB.execute("CREATE FUNCTION notify_fault.pg_notify(text, text) RETURNS void LANGUAGE plpgsql"
                + " AS $$ BEGIN RAISE EXCEPTION 'notifications refused'; END $$");
        int sessions = 40;
        try (Connection listener = DB.connect()) {
            listener.createStatement().execute("LISTEN chat_message");
            context.runOnContext(v -> { // the first leaves alone; the others wait for it, then go as one batch
                for (int session = 101; session < 101 + sessions; session++) {
                    commit(session, 1_765_000_000_000_000L + session, session * 10);
                }
            });
            long deadline = System.currentTimeMillis() + 10_000;
            while (localWakes.size() < sessions && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            List<Long> expectedWakes = new ArrayList<>();
            List<String> expectedEntries = new ArrayList<>();
            for (long session = 101; session < 101 + sessions; session++) {
                expectedWakes.add(session);
                expectedEntries.add(session + " " + (1_765_000_000_000_000L + session) + " " + session * 10);
            }
            assertEquals(expectedWakes, localWakes.stream().sorted().toList(), "each session's local waiters are woken once");
            assertEquals(List.of(), notifications(listener, 300), "nothing reached the other instances yet");

            DB.execute("DROP SCHEMA notify_fault CASCADE");
            List<String> arrived = new ArrayList<>();
            List<String> entries = new ArrayList<>();
            notificationsUntil(listener, () -> entries.size() >= sessions, payload -> {
                arrived.add(payload);
                entries.addAll(List.of(payload.split(",")));
            });
            assertEquals(expectedEntries, entries.stream().sorted(java.util.Comparator.comparing(
                    e -> Integer.valueOf(e.substring(0, e.indexOf(' '))))).toList(),
                    "every session, once, with its time and its message's id, as its first attempt said");
            assertTrue(arrived.size() <= 2, "the retries went out together: " + arrived.size() + " notifications");
            onContext(() -> notifier.settled(10_000));
            assertEquals(List.of(), notifications(listener, 300), "nothing more");
            assertEquals(sessions, localWakes.size(), "the retries woke nothing here again");
        }
    }

    @Test
    @DisplayName("while the database refuses, a notification is retried 100 ms after the refusal, then twice as long after each, and given up once its window has passed: one ERROR, nothing left in flight, nothing sent afterwards")
    void refusedNotificationIsGivenUp() throws Exception {
        // Attempts at 0 ms, then retries 100, 300, 700 and 1,500 ms after it; the next, at 3,100, is past the window.
        notifier = new CommitNotifier(vertx, pool, wake, 2_500);
        DB.execute("CREATE SCHEMA notify_fault");
        DB.execute("CREATE SEQUENCE notify_fault.attempts"); // a sequence's count survives the refusal's rollback
        DB.execute("CREATE FUNCTION notify_fault.pg_notify(text, text) RETURNS void LANGUAGE plpgsql"
                + " AS $$ BEGIN PERFORM nextval('notify_fault.attempts'); RAISE EXCEPTION 'notifications refused'; END $$");
        try (Connection listener = DB.connect(); LogCapture log = LogCapture.of(CommitNotifier.class)) {
            listener.createStatement().execute("LISTEN chat_message");
            long started = System.nanoTime();
            context.runOnContext(v -> commit(301, 1_765_000_000_000_301L, 3010));
            localWake.get(10, TimeUnit.SECONDS);
            onContext(() -> notifier.settled(20_000));
            long settledMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(settledMs >= 2_500 && settledMs < 15_000, "settled once the window had passed: " + settledMs + " ms");
            assertEquals("5", DB.value("SELECT last_value::text FROM notify_fault.attempts"),
                    "the first attempt and four retries, the gaps doubling from 100 ms (without the back-off: about 25)");

            DB.execute("DROP SCHEMA notify_fault CASCADE");
            assertEquals(List.of(), notifications(listener, 500), "a notification given up is not sent later");
            assertEquals(List.of(301L), localWakes, "the local waiters were woken once, at the first refusal");
            List<String> errors = log.at(Level.ERROR);
            assertEquals(1, errors.size(), "one ERROR: " + errors);
            assertTrue(errors.get(0).contains("Gave up notifying the waiters of 1 session(s)") && errors.get(0).contains("[301]")
                    && errors.get(0).contains("notifications refused"), "it names the session and the cause: " + errors.get(0));
            assertEquals(1, log.at(Level.WARN).size(), "one WARN for the outage, the later refusals at debug");
        }
    }

    @Test
    @DisplayName("an insert whose connection is lost under it may have committed: every instance is told to look")
    void lostConnectionNotifies() throws Exception {
        int session = DB.newSession();
        DB.execute("CREATE FUNCTION test_slow_insert() RETURNS trigger LANGUAGE plpgsql"
                + " AS $$ BEGIN IF NEW.message = 'slow' THEN PERFORM pg_sleep(60); END IF; RETURN NEW; END $$");
        DB.execute("CREATE TRIGGER slow_insert BEFORE INSERT ON chat_message FOR EACH ROW EXECUTE FUNCTION test_slow_insert()");
        try (Connection listener = DB.connect()) {
            listener.createStatement().execute("LISTEN chat_message");
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            context.runOnContext(v -> store.insertMessage(session, message("slow"), false).onComplete(ar -> {
                failure.set(ar.cause());
                done.complete(null);
            }));
            // The insert sleeps in its trigger; its connection is cut there.
            String pid = awaitValue(() -> DB.value("SELECT max(pid)::text FROM pg_stat_activity WHERE query LIKE 'WITH s AS%'"
                    + " AND wait_event = 'PgSleep'"));
            DB.value("SELECT pg_terminate_backend(" + pid + ")");
            done.get(10, TimeUnit.SECONDS);
            assertTrue(Unavailable.afterSending(failure.get()), "the insert's answer is lost with its backend: " + failure.get());

            assertEquals(List.of(Integer.toString(session)), notifications(listener, 10_000),
                    "the session is notified without a time");
            long first = System.nanoTime();
            // A backend whose client went away may commit later: the session is notified once more.
            assertEquals(List.of(Integer.toString(session)), notifications(listener, 10_000), "and again");
            assertTrue(System.nanoTime() - first >= TimeUnit.MILLISECONDS.toNanos(CommitNotifier.AGAIN_MS / 2),
                    "a while later");
            assertEquals("0", DB.value("SELECT count(*) FROM chat_message WHERE message = 'slow'"));
        } finally {
            DB.execute("DROP TRIGGER IF EXISTS slow_insert ON chat_message");
            DB.execute("DROP FUNCTION IF EXISTS test_slow_insert()");
        }
    }

    @Test
    @DisplayName("messages committed while a notification is on its way go out together: one payload lists their sessions, each once, below 8,000 bytes")
    void coalescedWhileInFlight() throws Exception {
        int sessions = 1_000;
        long base = 1_765_000_000_000_000L;
        try (Connection listener = DB.connect()) {
            listener.createStatement().execute("LISTEN chat_message");
            onContext(() -> {
                for (int i = 1; i <= sessions; i++) {
                    commit(i, base + i, i * 10);
                }
                // a session again, written earlier: its entry keeps the earlier time, and the higher id
                commit(2, base + 1, 25);
                commit(3, base + 99, 31);
                return notifier.settled(10_000);
            });
            List<String> payloads = new ArrayList<>();
            java.util.Map<Integer, Long> seen = new java.util.HashMap<>();
            java.util.Map<Integer, Integer> ids = new java.util.HashMap<>();
            notificationsUntil(listener, () -> seen.size() >= sessions, payload -> {
                payloads.add(payload);
                for (String entry : payload.split(",")) {
                    String[] parts = entry.split(" ");
                    Long before = seen.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                    assertEquals(null, before, "a session appears once: " + entry);
                    ids.put(Integer.parseInt(parts[0]), Integer.parseInt(parts[2]));
                }
            });
            assertEquals(sessions, seen.size(), "every session is notified");
            assertEquals(1 + " " + (base + 1) + " 10", payloads.get(0),
                    "the first message's notification leaves at once, alone");
            assertEquals(base + 1, seen.get(2), "the earliest time of a session that came twice");
            assertEquals(25, ids.get(2), "and the highest id");
            assertEquals(base + 3, seen.get(3));
            assertEquals(31, ids.get(3));
            for (int i = 4; i <= sessions; i++) {
                assertEquals(base + i, seen.get(i));
                assertEquals(i * 10, ids.get(i));
            }
            assertTrue(payloads.size() >= 4 && payloads.size() <= 6,
                    "the other 999 in as few payloads as the size limit allows: " + payloads.size());
            for (String payload : payloads) {
                assertTrue(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 8_000,
                        "below PostgreSQL's limit: " + payload.length());
            }
            assertEquals(List.of(), notifications(listener, 300), "nothing more");
        }
    }

    @Test
    @DisplayName("an insert learns which message of its session came before it, in commit order, however many write to it at once")
    void previousMessageUnderConcurrency() throws Exception {
        int session = DB.newSession();
        int first = Integer.parseInt(DB.value("SELECT coalesce(max(chat_message_id), 0)::text FROM chat_message"
                + " WHERE chat_session_id = " + session));
        Pool wide = PgBuilder.pool().with(new PoolOptions().setMaxSize(8))
                .connectingTo(Database.connectOptions(DB.config())).using(vertx).build();
        try {
            MessageStore writers = new MessageStore(wide, MessageStore.DEFAULT_MAX_MESSAGES, notifier);
            int count = 60;
            onContext(() -> {
                List<Future<Optional<ChatMessage>>> all = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    all.add(writers.insertMessage(session, message("m" + i), false));
                }
                return Future.all(all);
            });
            List<List<Object>> told = inserted.stream()
                    .sorted(java.util.Comparator.comparingInt(t -> ((ChatMessage) t.get(0)).chatMessageId())).toList();
            assertEquals(count, told.size(), "each insert tells this instance");
            int previous = first;
            for (List<Object> t : told) {
                ChatMessage m = (ChatMessage) t.get(0);
                assertEquals(session, m.chatSessionId());
                assertEquals(previous, t.get(1), "the message before " + m.chatMessageId());
                assertEquals("before " + session, t.get(3), "with what was taken before its insert");
                previous = m.chatMessageId();
            }
            assertEquals(Integer.toString(previous), DB.value("SELECT max(chat_message_id)::text FROM chat_message"
                    + " WHERE chat_session_id = " + session));
        } finally {
            onContext(() -> wide.close());
        }
    }

    /** What the message store does once a message of {@code session} with {@code id} committed. */
    private void commit(int session, long micros, int id) {
        notifier.committed(new ChatMessage(id, session, "ToUser", "m", "a", 0, "None", "", null), micros, -1, null);
    }

    private static NewChatMessage message(String text) {
        return new NewChatMessage(text, null, "visitor", null, null, null).validated();
    }

    /** Runs {@code action} on the test's context and waits for its result. */
    private <T> T onContext(Supplier<Future<T>> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> action.get().onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                result.completeExceptionally(ar.cause());
            }
        }));
        return result.get(20, TimeUnit.SECONDS);
    }

    private static String awaitValue(Supplier<String> query) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        String value = query.get();
        while (value == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            value = query.get();
        }
        assertTrue(value != null, "the insert never reached its trigger");
        return value;
    }

    /** Hands each notification that arrives to {@code each} until {@code done} holds, for at most 10 s. */
    private static void notificationsUntil(Connection listener, java.util.function.BooleanSupplier done,
            java.util.function.Consumer<String> each) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!done.getAsBoolean() && System.currentTimeMillis() < deadline) {
            notifications(listener, 1_000).forEach(each);
        }
    }

    /** The notifications that arrive within {@code waitMs}, stopping at the first batch. */
    private static List<String> notifications(Connection listener, long waitMs) throws Exception {
        org.postgresql.PGConnection pg = listener.unwrap(org.postgresql.PGConnection.class);
        List<String> payloads = new ArrayList<>();
        long deadline = System.currentTimeMillis() + waitMs;
        while (payloads.isEmpty() && System.currentTimeMillis() < deadline) {
            var batch = pg.getNotifications((int) Math.max(1, Math.min(200, deadline - System.currentTimeMillis())));
            if (batch != null) {
                for (var n : batch) {
                    payloads.add(n.getParameter());
                }
            }
        }
        return payloads;
    }
}
