package chatapi.longpoll;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("What an instance knows of a session's messages without asking")
class QuietTest {

    @Test
    @DisplayName("nothing is known at first; a query teaches that nothing is newer than an id, which covers later ids")
    void learns() {
        Quiet quiet = new Quiet();
        assertFalse(quiet.nothingAfter(Integer.MAX_VALUE - 1));
        quiet.learn(quiet.generation(), 10);
        assertTrue(quiet.nothingAfter(10));
        assertTrue(quiet.nothingAfter(11));
        assertFalse(quiet.nothingAfter(9), "a poll from further back must look");
        quiet.learn(quiet.generation(), 7);
        assertTrue(quiet.nothingAfter(7), "the smaller id known is the stronger fact");
        quiet.learn(quiet.generation(), 12);
        assertTrue(quiet.nothingAfter(7));
    }

    @Test
    @DisplayName("a notification forgets it, and a query begun before that notification teaches nothing")
    void forgets() {
        Quiet quiet = new Quiet();
        int before = quiet.generation();
        quiet.learn(before, 10);
        quiet.forget();
        assertFalse(quiet.nothingAfter(10));
        quiet.learn(before, 10); // its answer may predate the notified message
        assertFalse(quiet.nothingAfter(10));
        quiet.learn(quiet.generation(), 11);
        assertTrue(quiet.nothingAfter(11));
    }
}
