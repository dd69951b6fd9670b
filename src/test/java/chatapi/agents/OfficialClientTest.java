package chatapi.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.support.NodeScript;
import chatapi.support.ServerProcess;
import chatapi.support.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SuperOffice's official TypeScript client, {@code @superoffice/webapi} 12.4.1514 (pinned with its lock file
 * in {@code src/test/js}), unchanged, against chat-api with the demo data: {@code src/test/js/agents.test.mjs}
 * makes the calls and checks what the client's converters made of the answers; this class checks what the
 * database holds afterwards.
 */
@DisplayName("The Agents API through SuperOffice's official TypeScript client")
class OfficialClientTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private ServerProcess server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("ChatAgent reads session 1 (nested objects, dates), reads and adds messages (a parked REST poll sees the new one), creates, saves, lists and deletes a session; an absent id is null; the topic, role and presence calls")
    void officialClient() throws Exception {
        server = ServerProcess.start(DB, Map.of());
        server.awaitReady();
        Integer created = null;
        Integer topic = null;
        try (NodeScript script = NodeScript.start("agents.test.mjs",
                Map.of("BASE_URL", "http://127.0.0.1:" + server.port()), 90)) {
            for (String line = script.readLine(); line != null; line = script.readLine()) {
                if (line.startsWith("@@session ")) {
                    created = Integer.valueOf(line.substring("@@session ".length()));
                } else if (line.startsWith("@@topic ")) {
                    topic = Integer.valueOf(line.substring("@@topic ".length()));
                }
            }
            assertEquals(0, script.awaitExit(), "the client script failed:\n" + script.transcriptText());
            assertTrue(script.transcript().contains("@@passed"), script.transcriptText());
        }
        assertNotNull(created, "the script named the session it created");
        assertEquals("0|0", DB.value("SELECT (SELECT count(*) FROM chat_session WHERE chat_session_id = " + created + ") || '|' ||"
                + " (SELECT count(*) FROM chat_message WHERE chat_session_id = " + created + ")"), "deleted, messages too");
        assertEquals("ToCustomer|tje0|Sent through the official client", DB.value("SELECT type || '|' || author || '|' || message"
                + " FROM chat_message WHERE chat_session_id = 1 ORDER BY chat_message_id DESC LIMIT 1"));
        assertEquals("4", DB.value("SELECT count(*) FROM chat_message WHERE chat_session_id = 1"));
        assertNotNull(topic, "the script named the topic it created");
        assertEquals("0|0", DB.value("SELECT (SELECT count(*) FROM chat_topic WHERE topic_id = " + topic + ") || '|' ||"
                + " (SELECT count(*) FROM chat_topic_agent WHERE topic_id = " + topic + ")"), "the topic deleted, its roles too");
        assertEquals("true", DB.value("SELECT present::text FROM chat_presence WHERE associate_id = 1"));
    }
}
