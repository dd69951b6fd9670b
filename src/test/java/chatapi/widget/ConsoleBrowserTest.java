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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent console as two agents use it with three visitors: {@code src/test/js/console.test.mjs} drives Debian's
 * Chromium through playwright-core, each person in a browser context of their own, and prints the sessions it made
 * ("@@session-a 7", "@@winner tje0"); this class checks what the database holds afterwards. Screenshots go to
 * {@code target/browser}.
 */
@DisplayName("The agent console in a real browser: two agents, three visitors")
class ConsoleBrowserTest {

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
    @DisplayName("the queue in order within 1 s, an away agent not offered a session, a pickup race with one winner, unread counts and typing across two chats, a transfer accepted, a chat ended and rated, the transcript downloaded, the offline form; the database holds it all")
    void twoAgentsThreeVisitors() throws Exception {
        String chromium = JsTests.chromium();
        server = ServerProcess.start(DB, Map.of("CHAT_DEV_START_CHAT", "true"));
        server.awaitReady();
        // ann1 has no password in the demo data (which the server loads): give it tje0's (Tje0), in this database only.
        DB.execute("UPDATE associate SET password_hash = (SELECT password_hash FROM associate WHERE name = 'tje0')"
                + " WHERE name = 'ann1'");
        // The demo's two sessions (one with tje0, one waiting) are over: the queue and the chats are the test's own.
        DB.execute("UPDATE chat_session SET status = 'Closed' WHERE chat_session_id IN (1, 2)");

        Map<String, String> printed = new HashMap<>();
        try (NodeScript script = NodeScript.start("console.test.mjs", Map.of("BASE_URL", "http://127.0.0.1:" + server.port(),
                "CHROMIUM", chromium, "SCREENSHOTS", SCREENSHOTS.toAbsolutePath().toString()), 150)) {
            for (String line = script.readLine(); line != null; line = script.readLine()) {
                if (line.startsWith("@@") && line.indexOf(' ') > 0) {
                    printed.put(line.substring(2, line.indexOf(' ')), line.substring(line.indexOf(' ') + 1));
                }
            }
            assertEquals(0, script.awaitExit(), "the browser script failed:\n" + script.transcriptText());
            assertTrue(script.transcript().contains("@@passed"), script.transcriptText());
        }
        String a = printed.get("session-a");
        String b = printed.get("session-b");
        String c = printed.get("session-c");
        String winner = printed.get("winner");
        assertNotNull(a, "the script named its sessions");
        assertNotNull(winner, "the script named the pickup race's winner");
        String loser = winner.equals("tje0") ? "ann1" : "tje0";

        assertEquals("Closed|" + loser + "|true|", session(a), "ended by the agent it was transferred to");
        assertEquals("4|Quick help, thanks", DB.value("SELECT rating || '|' || comment FROM chat_session_rating"
                + " WHERE chat_session_id = " + a));
        assertEquals(List.of("Welcome", "TransferedSession", "ClosedByUser"), List.of(DB.value(
                "SELECT string_agg(special_type, ',' ORDER BY chat_message_id) FROM chat_message"
                        + " WHERE chat_session_id = " + a + " AND type = 'Special'").split(",")),
                "one Welcome: the race's loser posted nothing");
        assertEquals("ToUser|My bike has a flat tyre,ToUser|Are you there?,ToCustomer|Yes! Let me find someone from the"
                        + " workshop.,ToCustomer|Workshop here: bring it by today.",
                DB.value("SELECT string_agg(type || '|' || message, ',' ORDER BY chat_message_id) FROM chat_message"
                        + " WHERE chat_session_id = " + a + " AND type <> 'Special'"));
        assertEquals(fullName(winner) + "," + fullName(loser), DB.value("SELECT string_agg(author, ',' ORDER BY"
                + " chat_message_id) FROM chat_message WHERE chat_session_id = " + a + " AND type = 'ToCustomer'"),
                "agents write under their display names, never their login names");
        assertEquals("UserLast|" + loser + "|false|", session(b), "the oldest left, picked up next by the loser");
        assertEquals("UserLast|" + winner + "|false|", session(c));
        assertEquals("Do you sell helmets?", DB.value("SELECT message FROM chat_message WHERE chat_session_id = " + c
                + " AND type = 'ToUser'"));
        assertEquals("OfflineForm|dora@example.com|Please call me about a bike", DB.value(
                "SELECT s.status || '|' || s.customer_email || '|' || m.message FROM chat_session s"
                        + " JOIN chat_message m ON m.chat_session_id = s.chat_session_id WHERE s.customer_name = 'Dora'"));
        assertEquals("false,false", DB.value("SELECT string_agg(present::text, ',' ORDER BY associate_id)"
                + " FROM chat_presence"), "both agents went away at the end");
        for (String shot : List.of("console-queue.png", "console.png", "console-transfer.png", "customer-rating.png",
                "customer-offline.png")) {
            assertTrue(Files.size(SCREENSHOTS.resolve(shot)) > 1000, shot);
        }
    }

    private static String fullName(String login) {
        return login.equals("tje0") ? "Thomas J. Eriksen" : "Ann Lindqvist";
    }

    /** Status | the agent's login | whether it has ended | its pending transfer's login (empty for none). */
    private static String session(String id) {
        return DB.value("SELECT s.status || '|' || coalesce(u.name, '') || '|' || (s.when_ended IS NOT NULL) || '|'"
                + " || coalesce(t.name, '') FROM chat_session s LEFT JOIN associate u ON u.associate_id = s.user_associate_id"
                + " LEFT JOIN associate t ON t.associate_id = s.transfer_to_associate_id WHERE s.chat_session_id = " + id);
    }
}
