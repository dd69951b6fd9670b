package chatapi.longpoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The parked polls' timeouts on an event loop")
class PollTimeoutsTest {

    static Vertx vertx;
    static EventLoop loop;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        loop = ((ContextInternal) vertx.getOrCreateContext()).nettyEventLoop();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Runs on the loop, as the server does; its answer. */
    static <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        CompletableFuture<T> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                done.complete(task.call());
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done.get(10, TimeUnit.SECONDS);
    }

    /** A poll that runs {@code onTimeout} when it times out. */
    static PollTimeouts.Expiring poll(Runnable onTimeout) {
        return new PollTimeouts.Expiring() {
            @Override
            void timedOut() {
                onTimeout.run();
            }
        };
    }

    @Test
    @DisplayName("each times out once, never before its deadline; one removed never times out; none is kept afterwards")
    void timesOutAfterDeadline() throws Exception {
        Map<String, Long> timedOutAt = new ConcurrentHashMap<>();
        CountDownLatch expired = new CountDownLatch(3);
        PollTimeouts timeouts = onLoop(() -> new PollTimeouts(loop));
        long[] deadlines = new long[4];
        String[] names = {"a", "b", "c", "removed"};
        long[] timeoutsMs = {300, 120, 200, 150};
        PollTimeouts.Expiring[] polls = new PollTimeouts.Expiring[4];
        for (int i = 0; i < 4; i++) {
            String name = names[i];
            polls[i] = poll(() -> {
                assertTrue(loop.inEventLoop(), "on the loop");
                assertEquals(null, timedOutAt.put(name, System.nanoTime()), name + " timed out twice");
                expired.countDown();
            });
        }
        onLoop(() -> {
            for (int i = 0; i < 4; i++) {
                deadlines[i] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutsMs[i]);
                timeouts.add(polls[i], timeoutsMs[i]);
            }
            return null;
        });
        onLoop(() -> {
            timeouts.remove(polls[3]);
            timeouts.remove(polls[3]); // twice: nothing more
            return null;
        });
        assertTrue(expired.await(10, TimeUnit.SECONDS), "all three timed out");
        for (int i = 0; i < 3; i++) {
            long late = timedOutAt.get(names[i]) - deadlines[i];
            assertTrue(late >= 0, names[i] + " timed out " + TimeUnit.NANOSECONDS.toMillis(-late) + " ms early");
        }
        // The removed one's deadline has passed too (it was before c's): it did not time out.
        assertEquals(List.of("a", "b", "c"), timedOutAt.keySet().stream().sorted().toList());
        assertEquals(0, (int) onLoop(timeouts::size));
    }

    @Test
    @DisplayName("a poll whose timing out throws does not stop the sweeps: later ones still time out")
    void failureDoesNotStopSweeps() throws Exception {
        PollTimeouts timeouts = onLoop(() -> new PollTimeouts(loop));
        CountDownLatch later = new CountDownLatch(1);
        onLoop(() -> {
            timeouts.add(poll(() -> {
                throw new IllegalStateException("this poll's answer cannot be written");
            }), 10);
            timeouts.add(poll(later::countDown), 200);
            return null;
        });
        assertTrue(later.await(10, TimeUnit.SECONDS), "the later poll timed out");
    }

    @Test
    @DisplayName("polls sharing a deadline: any of them removed (first, middle, last, or by another's timing out) "
            + "does not time out; the others do, each once; a removed one can be kept again")
    void sharedBucket() throws Exception {
        List<Integer> timedOut = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        PollTimeouts.Expiring[] polls = new PollTimeouts.Expiring[8];
        CountDownLatch expired = new CountDownLatch(4);
        PollTimeouts[] kept = new PollTimeouts[1];
        for (int i = 0; i < polls.length; i++) {
            int index = i;
            polls[i] = poll(() -> {
                timedOut.add(index);
                // The first of the list to time out (the last added) ends poll 3 meanwhile, as an answer would.
                kept[0].remove(polls[3]);
                expired.countDown();
            });
        }
        // All eight in one bucket: added within one tick (a set-up that straddled a tick's end is made again).
        for (int attempt = 0; kept[0] == null; attempt++) {
            PollTimeouts timeouts = onLoop(() -> new PollTimeouts(loop));
            boolean oneBucket = onLoop(() -> {
                for (PollTimeouts.Expiring poll : polls) {
                    timeouts.add(poll, 100);
                }
                if (timeouts.buckets() != 1) {
                    for (PollTimeouts.Expiring poll : polls) {
                        timeouts.remove(poll);
                    }
                    return false;
                }
                timeouts.remove(polls[7]); // the list's first
                timeouts.remove(polls[4]); // a middle one
                timeouts.remove(polls[0]); // the list's last
                timeouts.remove(polls[6]);
                timeouts.add(polls[6], 150); // kept again, later
                kept[0] = timeouts; // here, on the loop: before any of them can time out
                return true;
            });
            assertTrue(oneBucket || attempt < 4, "eight polls added within one 50 ms tick in 5 attempts");
        }
        assertTrue(expired.await(10, TimeUnit.SECONDS), "the others timed out");
        // Poll 5 is the list's first after the removals: it ends 3 before 3's turn.
        assertEquals(List.of(1, 2, 5, 6), timedOut.stream().sorted().toList());
        assertEquals(0, (int) onLoop(kept[0]::size));
    }
}
