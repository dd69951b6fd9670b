package chatapi.widget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.JsTests;
import chatapi.support.NodeScript;
import chatapi.support.ServerProcess;
import chatapi.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reference widget as a person uses it: {@code src/test/js/widget.test.mjs} drives Debian's Chromium
 * through playwright-core (customer and agent in two browser contexts, each message seen on the other
 * side within 1 s), and asks this class to stop and start the server in the middle. Screenshots go to
 * {@code target/browser}.
 */
@DisplayName("The reference widget in a real browser")
class WidgetBrowserTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final Path SCREENSHOTS = Path.of("target/browser");

    private ServerProcess server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("a customer and an agent chat over event streams (each message within 1 s), both pages ride out a server restart, typing shows both ways, the queue moves 2 → 1, a chat ends, a page without EventSource long-polls; the database holds it all")
    void customerAndAgentChat() throws Exception {
        String chromium = JsTests.chromium();
        Map<String, String> environment = Map.of("CHAT_DEV_START_CHAT", "true");
        server = ServerProcess.start(DB, environment);
        int port = server.port();
        server.awaitReady();

        Integer sessionId = null;
        Integer closedId = null;
        Integer fallbackId = null;
        try (NodeScript script = NodeScript.start("widget.test.mjs", Map.of("BASE_URL", "http://127.0.0.1:" + port,
                "CHROMIUM", chromium, "SCREENSHOTS", SCREENSHOTS.toAbsolutePath().toString()), 150)) {
            for (String line = script.readLine(); line != null; line = script.readLine()) {
                if (line.startsWith("@@session ")) {
                    sessionId = Integer.valueOf(line.substring("@@session ".length()));
                } else if (line.startsWith("@@session-closed ")) {
                    closedId = Integer.valueOf(line.substring("@@session-closed ".length()));
                } else if (line.startsWith("@@session-fallback ")) {
                    fallbackId = Integer.valueOf(line.substring("@@session-fallback ".length()));
                } else if (line.equals("@@stop-server")) {
                    assertEquals(0, server.stop(), "exit status after SIGTERM");
                    server.close();
                    script.reply("stopped");
                } else if (line.equals("@@start-server")) {
                    server = ServerProcess.start(DB, environment, port);
                    server.awaitReady();
                    script.reply("started");
                }
            }
            assertEquals(0, script.awaitExit(), "the browser script failed:\n" + script.transcriptText());
            assertTrue(script.transcript().contains("@@passed"), script.transcriptText());
        }
        assertNotNull(sessionId, "the script named the session it started");
        assertEquals(List.of(
                "ToUser|Ola Nordmann|Hello, my order has not arrived",
                "ToCustomer|Thomas J. Eriksen|Sorry to hear that! Let me look it up.",
                "ToUser|Ola Nordmann|Still there?",
                "ToCustomer|Thomas J. Eriksen|Yes: it ships today.",
                "Special|Thomas J. Eriksen|Welcome! An agent will be with you shortly."), messages(sessionId));
        assertEquals("Ola Nordmann|ola@example.com|UserLast", session(sessionId));
        assertNotNull(closedId, "the script named the session it closed");
        assertEquals("Kari||Closed", session(closedId));
        assertNotNull(fallbackId, "the script named the long-polling page's session");
        assertEquals(List.of("ToUser|Nils|Polling here", "ToCustomer|Thomas J. Eriksen|Heard you"), messages(fallbackId));
        assertEquals("0", DB.value("SELECT chat_session_live_flags(flags, customer_typing_until, user_typing_until)"
                + " FROM chat_session WHERE chat_session_id = " + sessionId), "typing cleared");
        for (String shot : List.of("customer.png", "agent.png", "customer-reconnecting.png", "customer-after-restart.png",
                "agent-after-restart.png", "customer-queue.png")) {
            assertTrue(Files.size(SCREENSHOTS.resolve(shot)) > 1000, shot);
        }
    }

    private static List<String> messages(int sessionId) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DB.connect();
             PreparedStatement st = c.prepareStatement("SELECT type, author, message FROM chat_message "
                     + "WHERE chat_session_id = ? ORDER BY chat_message_id")) {
            st.setInt(1, sessionId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
                }
            }
        }
        return rows;
    }

    private static String session(int sessionId) throws Exception {
        try (Connection c = DB.connect();
             PreparedStatement st = c.prepareStatement("SELECT customer_name, customer_email, status FROM chat_session "
                     + "WHERE chat_session_id = ?")) {
            st.setInt(1, sessionId);
            try (ResultSet rs = st.executeQuery()) {
                assertTrue(rs.next(), "session " + sessionId + " exists");
                return rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3);
            }
        }
    }
}
