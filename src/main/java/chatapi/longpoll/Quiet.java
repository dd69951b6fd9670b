package chatapi.longpoll;

/**
 * What this instance knows of one session's messages without asking the database: that none newer than
 * {@link #noneAfter} was committed, as of a query that no notification of the session has followed since, or of a
 * message this instance inserted ({@link #committed}). A poll after that id then parks without its first look at the
 * table (a re-poll after a wake-up, the widget's loop): a message committed since has not been notified here yet,
 * and its notification, which {@link #forget}s this first (it names a newer message, or none), wakes the poll,
 * registered before it asked.
 *
 * <p>A query learns only if no notification came between its start and its answer ({@link #generation}): its answer
 * may predate a message that notification announced. So does an insert, between its start and its commit.
 *
 * <p>What is known lasts {@value #MAX_AGE_MS} ms from when it was learned: a notification that never came (its
 * instance killed between the commit and the notification, or the database refusing notifications for longer than
 * the retries last) then delays a message by at most that and a poll's wait, after which a re-poll looks at the
 * table again, instead of until the session's next message. A widget's re-poll right after an answer still parks
 * without a query; an idle widget's looks once a minute or so (a short bound would make every re-poll after a
 * timed-out wait look: 400 queries a second for 10,000 idle widgets waiting 25 s each).
 */
final class Quiet {

    /** How long what was learned is trusted. */
    static final long MAX_AGE_MS = 60_000;

    private final java.util.function.LongSupplier clock;
    private int generation;
    private int noneAfter = Integer.MAX_VALUE;
    /** When {@link #noneAfter} was set ({@link System#nanoTime()}). */
    private long learnedAt;

    Quiet() {
        this(System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime()} (a test's own) */
    Quiet(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }

    /** Taken before a query whose answer may teach something. */
    synchronized int generation() {
        return generation;
    }

    /** A notification of the session (a message, a change, a reconnection): what was known no longer holds. */
    synchronized void forget() {
        notified(0);
    }

    /**
     * A notification of the session's messages up to id {@code upTo} (0: unknown, as {@link #forget}): what was
     * known still holds if it covers them, but no query begun before it learns (its answer may predate them).
     */
    synchronized void notified(int upTo) {
        generation++;
        if (upTo <= 0 || upTo > noneAfter) {
            noneAfter = Integer.MAX_VALUE;
        }
    }

    /**
     * This instance committed the session's message {@code id} after {@code generationThen} (taken before its
     * insert): nothing newer can have committed before it, and anything committed since is notified after. What is
     * known already of a higher id stays (two inserts of the session on two event loops may be told in either order).
     */
    synchronized void committed(int generationThen, int id) {
        if (generationThen == generation && (noneAfter == Integer.MAX_VALUE || id >= noneAfter)) {
            learned(id);
        }
    }

    /** A query begun at {@code generation} found nothing newer than {@code none}. */
    synchronized void learn(int generationThen, int none) {
        if (generationThen == generation && none <= noneAfter) {
            learned(none);
        }
    }

    /** Nothing newer than {@code none}, as of now. */
    private void learned(int none) {
        noneAfter = none;
        learnedAt = clock.getAsLong();
    }

    /** Whether nothing newer than {@code after} was committed, as far as this instance knows. */
    synchronized boolean nothingAfter(int after) {
        return after >= noneAfter && clock.getAsLong() - learnedAt < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(MAX_AGE_MS);
    }
}
