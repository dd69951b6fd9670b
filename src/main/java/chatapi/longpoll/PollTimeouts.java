package chatapi.longpoll;

import io.netty.channel.EventLoop;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The timeouts of the polls parked on one event loop: buckets of {@value #TICK_MS} ms of deadline, swept by one
 * periodic task on that loop. Parking adds a poll to its bucket and its answer removes it (a hash set's work);
 * a Vert.x timer per poll, set on parking and cancelled on answering, went through a concurrent map, a close
 * hook and Netty's queue of scheduled tasks, about a twelfth of an answer's work on the event loop
 * (BENCHMARKS.md). A poll times out between its deadline and one tick after it, never before. Confined to its
 * event loop: every method runs there.
 */
final class PollTimeouts {

    static final long TICK_MS = 50;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MS);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PollTimeouts.class);

    /** What times out: a parked poll. */
    interface Expiring {
        /** Its deadline passed (on the event loop); it is no longer kept. */
        void timedOut();
    }

    private final Map<Long, Set<Expiring>> buckets = new HashMap<>();
    /** The last bucket swept: every bucket up to it has expired. */
    private long swept;

    /** Starts sweeping on the loop (from any thread). */
    PollTimeouts(EventLoop loop) {
        this.swept = now();
        loop.scheduleAtFixedRate(this::sweep, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** Adds a poll that times out after {@code timeoutMs}; its bucket, to remove it by. */
    long add(Expiring poll, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long bucket = Math.max(swept + 1, Math.floorDiv(deadline + TICK_NANOS - 1, TICK_NANOS));
        buckets.computeIfAbsent(bucket, b -> new HashSet<>()).add(poll);
        return bucket;
    }

    /** Removes a poll that ended otherwise (nothing if it has timed out already). */
    void remove(Expiring poll, long bucket) {
        Set<Expiring> polls = buckets.get(bucket);
        if (polls != null && polls.remove(poll) && polls.isEmpty()) {
            buckets.remove(bucket);
        }
    }

    /** How many are kept (tests). */
    int size() {
        return buckets.values().stream().mapToInt(Set::size).sum();
    }

    private void sweep() {
        long now = now();
        while (swept < now) {
            swept++;
            Set<Expiring> expired = buckets.remove(swept);
            if (expired != null) {
                for (Expiring poll : expired) {
                    try {
                        poll.timedOut();
                    } catch (RuntimeException e) { // not out of the sweep: a periodic task that throws runs no more
                        LOG.error("Timing out a parked request failed", e);
                    }
                }
            }
        }
    }

    /** The bucket whose time has fully come: deadlines at or before the current time. */
    private static long now() {
        return Math.floorDiv(System.nanoTime(), TICK_NANOS);
    }
}
