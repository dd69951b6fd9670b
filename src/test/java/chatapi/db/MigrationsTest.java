package chatapi.db;

import chatapi.carrier.CatalogueAccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.config.AppConfig;
import chatapi.support.TestApp;
import chatapi.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import ch.qos.logback.classic.Level;
import chatapi.support.LogCapture;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Schema migrations and demo data")
class MigrationsTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final List<String> TABLES = List.of("associate", "contact", "person", "project", "sale",
            "ticket", "chat_topic", "chat_session", "chat_message");

    @Test
    @Order(1)
    @DisplayName("two instances starting at once on one empty database both come up with one schema")
    void concurrentStart(Vertx vertx, VertxTestContext ctx) {
        AppConfig config = DB.config();
        Future.all(TestApp.start(vertx, config), TestApp.start(vertx, config))
                .compose(started -> {
                    TestApp first = started.resultAt(0);
                    TestApp second = started.resultAt(1);
                    return Future.all(first.get("/health/ready"), second.get("/health/ready"),
                                    first.get("/api/v1/ChatSession/1"), second.get("/api/v1/ChatSession/1"))
                            .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
                                for (int i = 0; i < 4; i++) {
                                    assertEquals(200, answers.<TestApp.Response>resultAt(i).status());
                                }
                                assertEquals(expectedHistory(), history());
                                assertEquals(List.of(2, 2, 3), counts("associate", "chat_session", "chat_message"));
                            })))
                            .compose(v -> Future.all(first.stop(), second.stop()));
                })
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @Order(10)
    @DisplayName("the triggers that list chat_session's columns list every one: typing-only updates keep `updated`, a posted message's update notifies only on chat_message")
    void triggerColumnListsAreComplete() throws SQLException {
        Migrations.migrate(DB.config());
        List<String> columns = new ArrayList<>();
        try (Connection c = DB.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT column_name FROM information_schema.columns"
                     + " WHERE table_name = 'chat_session' ORDER BY ordinal_position")) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        }
        assertMentionsAllBut("chat_session_touch", columns,
                List.of("flags", "customer_typing_until", "user_typing_until", "updated"));
        assertMentionsAllBut("chat_session_change_notify", columns,
                List.of("first_message", "last_message", "when_idle", "updated"));
    }

    private static void assertMentionsAllBut(String trigger, List<String> columns, List<String> left) {
        String definition = DB.value("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = '" + trigger + "'");
        for (String column : columns) {
            boolean mentioned = java.util.regex.Pattern.compile("\\bold\\." + column + "\\b").matcher(definition).find();
            assertEquals(!left.contains(column), mentioned, trigger + " and column " + column + ": " + definition);
        }
    }

    @Test
    @Order(11)
    @DisplayName("the message trigger notifies every writer's insert but the API's, which says so for its own transaction only (it notifies after its commit)")
    void messageTriggerStaysQuietOnlyWhenTold() throws Exception {
        int session = DB.newSession();
        try (Connection listener = DB.connect(); Connection writer = DB.connect()) {
            listener.createStatement().execute("LISTEN chat_message");
            writer.setAutoCommit(false);
            writer.createStatement().execute("SELECT set_config('chatapi.notify_after_commit', 'on', true)");
            writer.createStatement().execute("INSERT INTO chat_message (chat_session_id, message) VALUES (" + session + ", 'quiet')");
            writer.commit();
            // The setting was the transaction's: the next insert on the same connection notifies.
            writer.createStatement().execute("INSERT INTO chat_message (chat_session_id, message) VALUES (" + session + ", 'loud')");
            writer.commit();
            List<String> payloads = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 5_000;
            org.postgresql.PGConnection pg = listener.unwrap(org.postgresql.PGConnection.class);
            while (payloads.isEmpty() && System.currentTimeMillis() < deadline) {
                var notifications = pg.getNotifications(500);
                if (notifications != null) {
                    for (var n : notifications) {
                        payloads.add(n.getParameter());
                    }
                }
            }
            // Both commits happened before the wait: a notification for the first would have arrived with the second.
            listener.createStatement().execute("SELECT 1");
            var late = pg.getNotifications(200);
            if (late != null) {
                for (var n : late) {
                    payloads.add(n.getParameter());
                }
            }
            assertEquals(1, payloads.size(), "one notification, for the second insert: " + payloads);
            assertTrue(payloads.get(0).startsWith(session + " "), payloads.get(0));
        }
    }

    @Test
    @Order(2)
    @DisplayName("loading the demo data again changes no row and moves no sequence")
    void demoDataIsIdempotent() throws SQLException {
        String before = snapshot();
        Migrations.loadDemoData(DB.config());
        Migrations.loadDemoData(DB.config());
        assertEquals(before, snapshot());
    }

    @Test
    @Order(3)
    @DisplayName("the demo data never moves a sequence backwards, so ids of deleted rows are not reused")
    void demoDataKeepsSequencesAhead() throws SQLException {
        int deletedId;
        try (Connection c = DB.connect(); Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery(
                    "INSERT INTO chat_message (chat_session_id, message) VALUES (2, 'gone') RETURNING chat_message_id");
            rs.next();
            deletedId = rs.getInt(1);
            st.execute("DELETE FROM chat_message WHERE chat_message_id = " + deletedId);
        }
        Migrations.loadDemoData(DB.config());
        try (Connection c = DB.connect(); Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery(
                    "INSERT INTO chat_message (chat_session_id, message) VALUES (2, 'next') RETURNING chat_message_id");
            rs.next();
            assertTrue(rs.getInt(1) > deletedId, "new id " + rs.getInt(1) + " must exceed " + deletedId);
            st.execute("DELETE FROM chat_message WHERE chat_session_id = 2");
        }
    }

    @Test
    @Order(4)
    @DisplayName("every property of the carrier catalogue has its column, of the right type and length")
    void catalogueMatchesSchema() throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Connection c = DB.connect()) {
            for (CatalogueAccess.Column column : CatalogueAccess.columns()) {
                var ps = c.prepareStatement("SELECT data_type, character_maximum_length FROM information_schema.columns"
                        + " WHERE table_schema = 'public' AND table_name = ? AND column_name = ?");
                ps.setString(1, column.table());
                ps.setString(2, column.column());
                ResultSet rs = ps.executeQuery();
                if (!rs.next()) {
                    problems.add(column.table() + "." + column.column() + " is missing");
                    continue;
                }
                String type = rs.getString(1);
                int length = rs.getInt(2);
                if (!type.equals(column.sqlType())) {
                    problems.add(column.table() + "." + column.column() + " is " + type + ", not " + column.sqlType());
                }
                if (column.sqlType().equals("character varying") && length != column.length()) {
                    problems.add(column.table() + "." + column.column() + " has length " + length
                            + ", FieldLength says " + column.length());
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    @Order(5)
    @DisplayName("messages are indexed by session and id")
    void messageIndex() throws SQLException {
        try (Connection c = DB.connect(); Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SELECT indexdef FROM pg_indexes WHERE tablename = 'chat_message'"
                    + " AND indexname = 'chat_message_session_idx'");
            assertTrue(rs.next(), "chat_message_session_idx is missing");
            assertTrue(rs.getString(1).contains("(chat_session_id, chat_message_id)"), rs.getString(1));
        }
    }

    @Test
    @Order(20)
    @DisplayName("on an up-to-date database the start skips Flyway: the jar's migrations, with Flyway's checksums, are the schema history")
    void upToDateSkipsFlyway() throws Exception {
        List<Migrations.Applied> bundled = Migrations.bundled(Migrations.class.getClassLoader());
        assertEquals(expectedHistory().size(), bundled.size());
        assertEquals(bundled, Migrations.history(Migrations.dataSource(DB.config())));
        try (LogCapture log = LogCapture.of(Migrations.class)) {
            Migrations.migrate(DB.config());
            assertEquals(List.of("Database schema at version " + expectedHistory().size()
                    + " (up to date; Flyway not needed)"), log.at(Level.INFO));
        }
    }

    @Test
    @Order(21)
    @DisplayName("a history that differs from the jar (a changed checksum, a changed description) runs Flyway, whose validation refuses it; a failed row is a difference too")
    void differentHistoryRunsFlyway() throws java.io.IOException {
        for (String change : List.of("checksum = checksum + 1", "description = 'notify'")) {
            DB.execute("CREATE TABLE history_copy AS SELECT * FROM flyway_schema_history");
            DB.execute("UPDATE flyway_schema_history SET " + change + " WHERE version = '2'");
            try {
                assertNull(Migrations.upToDate(Migrations.dataSource(DB.config())), change);
                FlywayException refused = assertThrows(FlywayException.class, () -> Migrations.migrate(DB.config()));
                assertTrue(refused.getMessage().contains("mismatch"), refused.getMessage());
            } finally {
                DB.execute("DELETE FROM flyway_schema_history");
                DB.execute("INSERT INTO flyway_schema_history SELECT * FROM history_copy");
                DB.execute("DROP TABLE history_copy");
            }
        }
        DB.execute("UPDATE flyway_schema_history SET success = false WHERE version = '12'");
        try {
            assertNull(Migrations.history(Migrations.dataSource(DB.config())));
        } finally {
            DB.execute("UPDATE flyway_schema_history SET success = true WHERE version = '12'");
        }
        assertEquals(String.valueOf(expectedHistory().size()), Migrations.upToDate(Migrations.dataSource(DB.config())));
    }

    @Test
    @Order(24)
    @DisplayName("a database that refuses the connection fails the start at once, without a second attempt through Flyway")
    void unreachable() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        int port = closed;
        AppConfig config = DB.config(json -> json.put("pgPort", port));
        Migrations.Unreachable refused = assertThrows(Migrations.Unreachable.class, () -> Migrations.migrate(config));
        assertTrue(refused.getMessage().startsWith("cannot connect to the database: "), refused.getMessage());
        assertInstanceOf(SQLException.class, refused.getCause());
    }

    @Test
    @Order(23)
    @DisplayName("a jar with migrations in a subfolder (which Flyway reads too) is left to Flyway")
    void subfolderLeftToFlyway(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("nested.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("", "V1__first.sql", "more/", "more/V2__second.sql")) {
                out.putNextEntry(new JarEntry(Migrations.LOCATION + "/" + name));
                if (name.endsWith(".sql")) {
                    out.write("SELECT 1;\n".getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            assertEquals(List.of(), Migrations.bundled(loader));
        }
    }

    @Test
    @Order(22)
    @DisplayName("migrations read from a jar get the versions and checksums Flyway records for them (a byte order mark, CRLF, dotted versions)")
    void bundledInAJar(@TempDir Path dir) throws Exception {
        Map<String, String> scripts = new LinkedHashMap<>();
        scripts.put("V1__first.sql", "\uFEFFCREATE TABLE jar_check_a (id int);\r\n-- ä comment\r\n");
        scripts.put("V1_1__second.sql", "CREATE TABLE jar_check_b (id int);\n\nINSERT INTO jar_check_b VALUES (1);");
        scripts.put("V10__third.sql", "CREATE TABLE jar_check_c (id int);\n");
        scripts.put("V2__fourth.sql", "CREATE TABLE jar_check_d (id int);\n");
        Path folder = Files.createDirectories(dir.resolve("scripts"));
        Path jar = dir.resolve("migrations.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(Migrations.LOCATION + "/"));
            for (Map.Entry<String, String> script : scripts.entrySet()) {
                byte[] bytes = script.getValue().getBytes(StandardCharsets.UTF_8);
                Files.write(folder.resolve(script.getKey()), bytes);
                out.putNextEntry(new JarEntry(Migrations.LOCATION + "/" + script.getKey()));
                out.write(bytes);
            }
        }
        List<Migrations.Applied> recorded = new ArrayList<>();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Flyway.configure().dataSource(Migrations.dataSource(DB.config())).schemas("jar_check")
                    .locations("filesystem:" + folder).load().migrate();
            try (Connection c = DB.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT version, description, script, checksum"
                         + " FROM jar_check.flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
                while (rs.next()) {
                    recorded.add(new Migrations.Applied(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getInt(4)));
                }
            }
            assertEquals(recorded, Migrations.bundled(loader));
            assertEquals(List.of("1", "1.1", "2", "10"),
                    Migrations.bundled(loader).stream().map(Migrations.Applied::version).toList());
        } finally {
            DB.execute("DROP SCHEMA IF EXISTS jar_check CASCADE");
        }
    }

    private static List<String> history() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DB.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history"
                     + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getBoolean(2));
            }
        }
        return rows;
    }

    /** One successful row per migration file in sql/, in version order. */
    private static List<String> expectedHistory() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("sql"))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
                    .sorted()
                    .map(v -> v + " true")
                    .toList();
        }
    }

    private static List<Integer> counts(String... tables) throws SQLException {
        List<Integer> counts = new ArrayList<>();
        try (Connection c = DB.connect(); Statement st = c.createStatement()) {
            for (String table : tables) {
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table);
                rs.next();
                counts.add(rs.getInt(1));
            }
        }
        return counts;
    }

    /** Every row of every table, and every identity sequence's state, as one comparable text. */
    private static String snapshot() throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = DB.connect(); Statement st = c.createStatement()) {
            for (String table : TABLES) {
                ResultSet rs = st.executeQuery("SELECT string_agg(t::text, E'\\n' ORDER BY t::text) FROM " + table + " t");
                rs.next();
                out.append(table).append(":\n").append(rs.getString(1)).append('\n');
            }
            ResultSet rs = st.executeQuery("SELECT string_agg(sequencename || '=' || coalesce(last_value, 0), ',' "
                    + "ORDER BY sequencename) FROM pg_sequences");
            rs.next();
            out.append(rs.getString(1));
        }
        return out.toString();
    }
}
