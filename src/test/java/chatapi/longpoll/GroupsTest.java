package chatapi.longpoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The waiter registry")
class GroupsTest {

    @Test
    @DisplayName("a key is present exactly while it has values")
    void presence() {
        Groups<Integer, String> registry = new Groups<>();
        registry.add(1, "a");
        registry.add(1, "b");
        assertTrue(registry.has(1));
        registry.remove(1, "a");
        assertEquals(List.of("b"), registry.values(1));
        registry.remove(1, "b");
        assertFalse(registry.has(1));
        assertEquals(List.of(), registry.values(1));
    }

    @Test
    @DisplayName("a group keeps set semantics and its order-free contents as it grows past the small form and shrinks again")
    void growsAndShrinks() {
        Groups<Integer, Integer> registry = new Groups<>();
        int many = Groups.SMALL * 3;
        for (int i = 0; i < many; i++) {
            registry.add(5, i);
            registry.add(5, i); // a value is in a group once
            assertEquals(i + 1, registry.values(5).size());
        }
        List<Integer> snapshot = registry.values(5);
        registry.add(5, 1000);
        assertEquals(many, snapshot.size(), "a snapshot does not change with the group");
        registry.remove(5, 1000);
        List<Integer> seen = new java.util.ArrayList<>();
        registry.forEach(seen::add);
        assertEquals(java.util.stream.IntStream.range(0, many).boxed().toList(), seen.stream().sorted().toList());
        for (int i = many - 1; i >= 0; i--) {
            registry.remove(5, i);
            registry.remove(5, i); // removing an absent value changes nothing
            assertEquals(i, registry.values(5).size());
        }
        assertFalse(registry.has(5));
        // The small form: removing from the middle keeps the others.
        registry.add(6, 1);
        registry.add(6, 2);
        registry.add(6, 3);
        List<Integer> before = registry.values(6);
        registry.remove(6, 2);
        assertEquals(List.of(1, 3), registry.values(6));
        assertEquals(List.of(1, 2, 3), before, "an earlier snapshot keeps what it held");
    }

    @Test
    @DisplayName("a value added while another thread removes the key's last value is never lost")
    void concurrentAddAndRemove() throws InterruptedException {
        // The regression: add() as computeIfAbsent(...).add(...) could put a value into a group that a
        // concurrent remove() was dropping as empty, and the value (a parked request) was never woken.
        Groups<Integer, Integer> registry = new Groups<>();
        int rounds = 200_000;
        AtomicInteger lost = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(2);
        Thread churn = new Thread(() -> {
            for (int i = 0; i < rounds; i++) {
                registry.add(7, -1);
                registry.remove(7, -1);
            }
            done.countDown();
        });
        Thread adder = new Thread(() -> {
            for (int i = 0; i < rounds; i++) {
                registry.add(7, i);
                if (!registry.values(7).contains(i)) {
                    lost.incrementAndGet();
                }
                registry.remove(7, i);
            }
            done.countDown();
        });
        churn.start();
        adder.start();
        done.await();
        assertEquals(0, lost.get(), "values added but not in the registry");
    }
}
