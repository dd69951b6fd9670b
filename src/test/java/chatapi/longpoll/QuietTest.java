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

    @Test
    @DisplayName("a message inserted here teaches its id, unless a notification came while it was inserted")
    void insertTeaches() {
        Quiet quiet = new Quiet();
        int before = quiet.generation();
        quiet.committed(before, 20);
        assertTrue(quiet.nothingAfter(20));
        assertFalse(quiet.nothingAfter(19));

        Quiet raced = new Quiet();
        int then = raced.generation();
        raced.notified(25); // another message (say 25) committed and was notified while this one (24) was inserted
        raced.committed(then, 24);
        assertFalse(raced.nothingAfter(24), "24 is not the newest: 25 is");

        Quiet reversed = new Quiet(); // two inserts of the session on two event loops, told in the other order
        int both = reversed.generation();
        reversed.committed(both, 41);
        reversed.committed(both, 40);
        assertTrue(reversed.nothingAfter(41));
        assertFalse(reversed.nothingAfter(40), "41 exists");
    }

    @Test
    @DisplayName("a notification of messages up to an id keeps what covers it, forgets what does not, and stops older queries learning")
    void notificationsNameAnId() {
        Quiet quiet = new Quiet();
        int before = quiet.generation();
        quiet.committed(before, 20);
        quiet.notified(20); // the echo of the message inserted here
        assertTrue(quiet.nothingAfter(20), "what the insert taught still holds");
        quiet.learn(before, 15); // a query begun before that notification (it may have read before 20 committed)
        assertTrue(quiet.nothingAfter(20));
        assertFalse(quiet.nothingAfter(15), "teaches nothing");
        quiet.notified(21); // a newer message
        assertFalse(quiet.nothingAfter(20));
        assertFalse(quiet.nothingAfter(Integer.MAX_VALUE - 1));
        quiet.committed(quiet.generation(), 30);
        quiet.notified(0); // a notification that names no id (another writer's): forgets
        assertFalse(quiet.nothingAfter(30));
    }

    @Test
    @DisplayName("what was learned lasts a minute: a notification that never came delays a message that long and a wait, not more")
    void knowledgeExpires() {
        long[] now = {1_000_000_000L};
        Quiet quiet = new Quiet(() -> now[0]);
        quiet.committed(quiet.generation(), 50);
        now[0] += java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Quiet.MAX_AGE_MS - 1);
        assertTrue(quiet.nothingAfter(50));
        now[0] += java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1);
        assertFalse(quiet.nothingAfter(50), "too old: the poll looks");
        quiet.learn(quiet.generation(), 50); // the look found nothing newer: that is known as of now
        assertTrue(quiet.nothingAfter(50));
        now[0] += java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Quiet.MAX_AGE_MS);
        quiet.learn(quiet.generation(), 70); // says nothing of 51-70: what is known of 50 is not renewed by it
        assertFalse(quiet.nothingAfter(70));
        quiet.committed(quiet.generation(), 60);
        now[0] += java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Quiet.MAX_AGE_MS / 2);
        assertTrue(quiet.nothingAfter(60), "an insert here teaches afresh");
    }
}
