package chatapi.longpoll;

import chatapi.message.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * What a wake-up does for one session, decided without I/O (and tested without a database): which parked
 * polls are answered with which messages, and whether the session must be queried again.
 *
 * <p>A poll is answered with the messages of the page newer than its own {@code after}. It waits on when it
 * has none; then the session is queried again when the page was full (its messages may lie beyond the page)
 * or when the poll's {@code after} is below the one the page was read from (a client that fell behind and
 * parked while the query ran: the page may lack messages between the two).
 */
final class Delivery {

    /** A parked poll, as the decision sees it. */
    interface Poll {
        int after();
    }

    /** One poll to answer, with the messages it gets (a tail of the page, ascending). */
    record Answer<P extends Poll>(P poll, List<ChatMessage> messages) {
    }

    /** The answers, in the order of the polls, and whether the session is queried again. */
    record Plan<P extends Poll>(List<Answer<P>> answers, boolean again) {
    }

    private Delivery() {
    }

    /**
     * @param polls        the session's parked polls
     * @param page         the messages read for it, ascending, newer than {@code queriedAfter}
     * @param full         whether the page holds as much as one answer may (more may follow its last message)
     * @param queriedAfter the {@code after} the page was read from
     */
    static <P extends Poll> Plan<P> plan(Iterable<P> polls, List<ChatMessage> page, boolean full, int queriedAfter) {
        List<Answer<P>> answers = new ArrayList<>();
        boolean again = false;
        for (P poll : polls) {
            List<ChatMessage> newer = newerThan(page, poll.after());
            if (poll.after() < queriedAfter || newer.isEmpty()) {
                again |= poll.after() < queriedAfter || full;
            } else {
                answers.add(new Answer<>(poll, newer));
            }
        }
        return new Plan<>(answers, again);
    }

    /** The tail of {@code messages} (ascending ids) with ids greater than {@code after}. */
    static List<ChatMessage> newerThan(List<ChatMessage> messages, int after) {
        int low = 0;
        int high = messages.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (messages.get(mid).chatMessageId() <= after) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return messages.subList(low, messages.size());
    }
}
