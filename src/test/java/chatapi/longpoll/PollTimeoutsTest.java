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
            polls[i] = () -> {
                assertTrue(loop.inEventLoop(), "on the loop");
                assertEquals(null, timedOutAt.put(name, System.nanoTime()), name + " timed out twice");
                expired.countDown();
            };
        }
        long removedBucket = onLoop(() -> {
            long bucket = 0;
            for (int i = 0; i < 4; i++) {
                deadlines[i] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutsMs[i]);
                bucket = timeouts.add(polls[i], timeoutsMs[i]);
            }
            return bucket;
        });
        onLoop(() -> {
            timeouts.remove(polls[3], removedBucket);
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
        onLoop(() -> timeouts.add(() -> {
            throw new IllegalStateException("this poll's answer cannot be written");
        }, 10));
        onLoop(() -> timeouts.add(later::countDown, 200));
        assertTrue(later.await(10, TimeUnit.SECONDS), "the later poll timed out");
    }
}
