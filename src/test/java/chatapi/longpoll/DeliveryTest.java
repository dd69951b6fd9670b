package chatapi.longpoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.message.ChatMessage;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The wake-up's decision for one session, without a database, a server or real waiters. */
@DisplayName("Delivery: who is answered with what after a wake-up, and when a session is queried again")
class DeliveryTest {

    private record Poll(String name, int after) implements Delivery.Poll {
    }

    private static List<ChatMessage> page(int... ids) {
        return IntStream.of(ids).mapToObj(id -> new ChatMessage(id, 1, "ToUser", "m" + id, "", 0, "None", "", null))
                .toList();
    }

    private static List<Integer> ids(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::chatMessageId).toList();
    }

    @Test
    @DisplayName("each poll gets the messages newer than its own after; one with nothing newer waits on")
    void eachItsOwnTail() {
        Poll a = new Poll("a", 10);
        Poll b = new Poll("b", 12);
        Poll c = new Poll("c", 13);
        Delivery.Plan<Poll> plan = Delivery.plan(List.of(a, b, c), page(11, 12, 13), false, 10);
        assertEquals(2, plan.answers().size());
        assertEquals(a, plan.answers().get(0).poll());
        assertEquals(List.of(11, 12, 13), ids(plan.answers().get(0).messages()));
        assertEquals(b, plan.answers().get(1).poll());
        assertEquals(List.of(13), ids(plan.answers().get(1).messages()));
        assertFalse(plan.again(), "c is up to date and the page was not cut: nothing more to read");
    }

    @Test
    @DisplayName("a full page that ends before a poll's after: the poll waits and the session is read again")
    void fullPageReadsAgain() {
        Delivery.Plan<Poll> plan = Delivery.plan(List.of(new Poll("behind", 0), new Poll("current", 2000)),
                page(IntStream.rangeClosed(1, 1000).toArray()), true, 0);
        assertEquals(1, plan.answers().size());
        assertEquals(1000, plan.answers().get(0).messages().size());
        assertTrue(plan.again());
    }

    @Test
    @DisplayName("a poll below the after the page was read from (it fell behind while the query ran) is not answered from it")
    void behindTheQuery() {
        Delivery.Plan<Poll> plan = Delivery.plan(List.of(new Poll("late", 5)), page(9, 10), false, 8);
        assertEquals(List.of(), plan.answers());
        assertTrue(plan.again());
    }

    @Test
    @DisplayName("an empty page answers nobody and reads nothing again")
    void emptyPage() {
        Delivery.Plan<Poll> plan = Delivery.plan(List.of(new Poll("a", 3)), page(), false, 3);
        assertEquals(List.of(), plan.answers());
        assertFalse(plan.again());
    }

    @Test
    @DisplayName("newerThan is the tail after an id, by binary search, also between and beyond ids")
    void newerThan() {
        List<ChatMessage> messages = page(2, 4, 6);
        assertEquals(List.of(2, 4, 6), ids(Delivery.newerThan(messages, 0)));
        assertEquals(List.of(6), ids(Delivery.newerThan(messages, 5)));
        assertEquals(List.of(), ids(Delivery.newerThan(messages, 6)));
        assertEquals(List.of(), ids(Delivery.newerThan(messages, Integer.MAX_VALUE)));
    }
}
