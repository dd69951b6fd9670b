package chatapi.longpoll;

import io.netty.channel.EventLoop;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The timeouts of the polls parked on one event loop: buckets of {@value #TICK_MS} ms of deadline, swept by one
 * periodic task on that loop. Each bucket is a list linked through its polls themselves, so parking links a poll
 * in and its answer unlinks it without a lookup or an allocation: a timing wheel's buckets, as Netty's
 * {@code HashedWheelTimer} keeps them. A Vert.x timer per poll, set on parking and cancelled on answering, went
 * through a concurrent map, a close hook and Netty's queue of scheduled tasks, about a twelfth of an answer's work
 * on the event loop; buckets kept as hash sets in a map by tick, a twentieth (BENCHMARKS.md). A poll times out
 * between its deadline and one tick after it, never before. Confined to its event loop: every method runs there.
 */
final class PollTimeouts {

    static final long TICK_MS = 50;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MS);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PollTimeouts.class);

    /** What times out: a parked poll. While kept, it is a link of its bucket's list. */
    abstract static class Expiring {
        private Bucket bucket;
        private Expiring previous;
        private Expiring next;

        /** Its deadline passed (on the event loop); it is no longer kept. */
        abstract void timedOut();
    }

    /** The polls whose deadlines fall in one tick. */
    private static final class Bucket {
        final long tick;
        /** Null once the bucket is empty. */
        Expiring first;

        Bucket(long tick) {
            this.tick = tick;
        }

        void link(Expiring poll) {
            poll.bucket = this;
            poll.next = first;
            if (first != null) {
                first.previous = poll;
            }
            first = poll;
        }

        void unlink(Expiring poll) {
            if (poll.previous != null) {
                poll.previous.next = poll.next;
            } else {
                first = poll.next;
            }
            if (poll.next != null) {
                poll.next.previous = poll.previous;
            }
            poll.bucket = null;
            poll.previous = null;
            poll.next = null;
        }
    }

    private final Map<Long, Bucket> buckets = new HashMap<>();
    /** The bucket the last poll went into: polls parked together with one timeout share it, found without a lookup. */
    private Bucket latest;
    /** The last tick swept: every bucket up to it has expired. */
    private long swept;

    /** Starts sweeping on the loop (from any thread). */
    PollTimeouts(EventLoop loop) {
        this.swept = now();
        loop.scheduleAtFixedRate(this::sweep, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** Keeps a poll (not kept yet) that times out after {@code timeoutMs}. */
    void add(Expiring poll, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long tick = Math.max(swept + 1, Math.floorDiv(deadline + TICK_NANOS - 1, TICK_NANOS));
        if (latest == null || latest.tick != tick) { // a swept bucket's tick is never above `swept`: never reused
            latest = buckets.computeIfAbsent(tick, Bucket::new);
        }
        latest.link(poll);
    }

    /** Drops a poll that ended otherwise (nothing if it has timed out already or was never kept here). */
    void remove(Expiring poll) {
        Bucket bucket = poll.bucket;
        if (bucket == null) {
            return;
        }
        bucket.unlink(poll);
        if (bucket.first == null) {
            buckets.remove(bucket.tick);
            if (latest == bucket) {
                latest = null;
            }
        }
    }

    /** How many are kept (tests). */
    int size() {
        int size = 0;
        for (Bucket bucket : buckets.values()) {
            for (Expiring poll = bucket.first; poll != null; poll = poll.next) {
                size++;
            }
        }
        return size;
    }

    /** How many buckets hold them (tests). */
    int buckets() {
        return buckets.size();
    }

    private void sweep() {
        long now = now();
        while (swept < now) {
            swept++;
            Bucket expired = buckets.remove(swept);
            if (expired == null) {
                continue;
            }
            if (latest == expired) {
                latest = null;
            }
            for (Expiring poll = expired.first; poll != null; poll = expired.first) {
                expired.unlink(poll); // first: a poll that ends meanwhile finds itself no longer kept
                try {
                    poll.timedOut();
                } catch (RuntimeException e) { // not out of the sweep: a periodic task that throws runs no more
                    LOG.error("Timing out a parked request failed", e);
                }
            }
        }
    }

    /** The tick whose time has fully come: deadlines at or before the current time. */
    private static long now() {
        return Math.floorDiv(System.nanoTime(), TICK_NANOS);
    }
}
