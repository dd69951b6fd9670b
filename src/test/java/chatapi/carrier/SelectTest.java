package chatapi.carrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.session.SessionStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("$select parsing and the statement it leads to")
class SelectTest {

    @Test
    @DisplayName("the session statement joins only the related tables the selection needs")
    void joinsOnlyWhatIsSelected() {
        String scalarsOnly = SessionStore.sessionStatement(Select.parse("CustomerName,WhenIdle", Carrier.CHAT_SESSION));
        assertFalse(scalarsOnly.contains("JOIN"), scalarsOnly);
        String userOnly = SessionStore.sessionStatement(Select.parse("user/fullname", Carrier.CHAT_SESSION));
        assertEquals(1, userOnly.split("JOIN").length - 1, userOnly);
        assertTrue(userOnly.contains("LEFT JOIN associate u"), userOnly);
        String all = SessionStore.sessionStatement(Select.ALL);
        assertEquals(7, all.split("JOIN").length - 1, all);
        assertEquals(columns(all), columns(scalarsOnly), "the column layout never changes");
    }

    @Test
    @DisplayName("names match case-insensitively and a whole object wins over a part of it")
    void parsing() {
        Select s = Select.parse(" customerNAME , User/FullName, user ,TRANSFERTO/name", Carrier.CHAT_SESSION);
        assertTrue(s.includes("CustomerName"));
        assertFalse(s.includes("CustomerEmail"));
        assertTrue(s.inside("User").all(), "User selected whole");
        assertTrue(s.inside("TransferTo").includes("Name"));
        assertFalse(s.inside("TransferTo").includes("FullName"));
        assertFalse(s.inside("Person").includes("Firstname"));
    }

    private static int columns(String sql) {
        return sql.substring(0, sql.indexOf(" FROM ")).split(",").length;
    }
}
