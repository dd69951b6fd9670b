package chatapi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chatapi.http.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** JSON Patch and Merge Patch over an entity as GET writes it, without a database or a server. */
@DisplayName("Patches: JSON Patch and Merge Patch, without a database")
class PatchesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode entity() throws Exception {
        return (ObjectNode) JSON.readTree("{\"ChatSessionId\":5,\"CustomerName\":\"Kari\",\"CustomerEmail\":\"k@x.no\","
                + "\"FirstMessage\":\"hi\",\"Rank\":1,\"User\":{\"AssociateId\":1,\"FullName\":\"Tje\"},\"Person\":null}");
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    @DisplayName("replace, add, remove, copy and move, in order; paths in any case, the leading / optional, into related objects")
    void operations() throws Exception {
        ObjectNode e = entity();
        Patches.jsonPatch(e, json("[{\"op\":\"replace\",\"path\":\"customername\",\"value\":\"Ola\"},"
                + "{\"op\":\"add\",\"path\":\"/Rank\",\"value\":3},"
                + "{\"op\":\"copy\",\"from\":\"/CustomerName\",\"path\":\"/CustomerAlias\"},"
                + "{\"op\":\"move\",\"from\":\"/CustomerEmail\",\"path\":\"/CustomerPhone\"},"
                + "{\"op\":\"replace\",\"path\":\"/user/associateid\",\"value\":2},"
                + "{\"op\":\"add\",\"path\":\"/Person/PersonId\",\"value\":9},"
                + "{\"op\":\"test\",\"path\":\"/Rank\",\"value\":3.0}]"));
        assertEquals("Ola", e.get("CustomerName").textValue());
        assertEquals(3, e.get("Rank").intValue());
        assertEquals("Ola", e.get("CustomerAlias").textValue());
        assertEquals("k@x.no", e.get("CustomerPhone").textValue());
        assertEquals(true, e.get("CustomerEmail").isNull(), "moved away");
        assertEquals(2, e.get("User").get("AssociateId").intValue());
        assertEquals(9, e.get("Person").get("PersonId").intValue(), "a related object not linked yet is started");
    }

    @Test
    @DisplayName("a failed test is 409; a property the server keeps is 400 read-only; an unknown one or a bad operation 400 naming it")
    void refusals() throws Exception {
        assertEquals(409, status(() -> Patches.jsonPatch(entity(), json("[{\"op\":\"test\",\"path\":\"/Rank\",\"value\":2}]"))));
        ApiException readOnly = assertThrows(ApiException.class,
                () -> Patches.jsonPatch(entity(), json("[{\"op\":\"replace\",\"path\":\"/FirstMessage\",\"value\":\"x\"}]")));
        assertEquals("Property 'FirstMessage' cannot be changed", readOnly.getMessage());
        assertEquals(400, status(() -> Patches.jsonPatch(entity(), json("[{\"op\":\"replace\",\"path\":\"/Bogus\",\"value\":1}]"))));
        assertEquals(400, status(() -> Patches.jsonPatch(entity(), json("[{\"op\":\"frobnicate\",\"path\":\"/Rank\"}]"))));
        assertEquals(400, status(() -> Patches.jsonPatch(entity(), json("[{\"op\":\"replace\",\"path\":\"/Rank\"}]"))));
        assertEquals(400, status(() -> Patches.jsonPatch(entity(), json("{\"op\":\"replace\"}"))));
        assertEquals(400, status(() -> Patches.jsonPatch(entity(), json("[{\"op\":\"replace\",\"path\":\"/ChatSessionId\",\"value\":1}]"))));
    }

    @Test
    @DisplayName("a Merge Patch replaces values, merges related objects and clears with null; keys in any case")
    void mergePatch() throws Exception {
        ObjectNode e = entity();
        Patches.mergePatch(e, json("{\"customerName\":\"Ola\",\"User\":{\"AssociateId\":2},\"CustomerEmail\":null}"));
        assertEquals("Ola", e.get("CustomerName").textValue());
        assertEquals(2, e.get("User").get("AssociateId").intValue());
        assertEquals("Tje", e.get("User").get("FullName").textValue(), "merged, not replaced");
        assertEquals(true, e.get("CustomerEmail").isNull());
        assertEquals(400, status(() -> Patches.mergePatch(entity(), json("[1]"))));
        assertEquals(400, status(() -> Patches.mergePatch(entity(), json("{\"WhenRequested\":\"2026-01-01\"}"))));
    }

    private interface Patch {
        void apply() throws Exception;
    }

    private static int status(Patch patch) {
        return assertThrows(ApiException.class, patch::apply).status();
    }
}
