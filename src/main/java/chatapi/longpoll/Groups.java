package chatapi.longpoll;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Values grouped by key, safe for concurrent use from every event loop: a key is present exactly
 * while it has values. Adding and removing run inside {@link ConcurrentHashMap#compute}, so a value
 * is never added to a group that a concurrent removal is dropping as empty.
 *
 * <p>A chat's session has one or two waiters (its customer's widget, its agent), so a group of up to
 * {@value #SMALL} values is an immutable array, replaced on each change (24 bytes for one value, where a
 * concurrent set costs about 230); a larger group (a fan-out) becomes a concurrent set, so that adding and
 * removing stay O(1) however many wait.
 */
final class Groups<K, V> {

    static final int SMALL = 8;

    /** Per key: an {@code Object[]} of 1 to {@value #SMALL} values, never changed once published, or a {@code Set<V>}. */
    private final ConcurrentHashMap<K, Object> groups = new ConcurrentHashMap<>();

    void add(K key, V value) {
        groups.compute(key, (k, group) -> {
            if (group == null) {
                return new Object[] {value};
            }
            if (group instanceof Object[] small) {
                if (indexOf(small, value) >= 0) {
                    return small;
                }
                if (small.length < SMALL) {
                    Object[] more = Arrays.copyOf(small, small.length + 1);
                    more[small.length] = value;
                    return more;
                }
                Set<Object> large = ConcurrentHashMap.newKeySet();
                Collections.addAll(large, small);
                large.add(value);
                return large;
            }
            set(group).add(value);
            return group;
        });
    }

    void remove(K key, V value) {
        groups.computeIfPresent(key, (k, group) -> {
            if (group instanceof Object[] small) {
                int i = indexOf(small, value);
                if (i < 0) {
                    return small;
                }
                if (small.length == 1) {
                    return null;
                }
                Object[] fewer = new Object[small.length - 1];
                System.arraycopy(small, 0, fewer, 0, i);
                System.arraycopy(small, i + 1, fewer, i, fewer.length - i);
                return fewer;
            }
            Set<V> large = set(group);
            large.remove(value);
            return large.isEmpty() ? null : large;
        });
    }

    boolean has(K key) {
        return groups.containsKey(key);
    }

    /** A snapshot of the key's values (empty when none). */
    @SuppressWarnings("unchecked")
    List<V> values(K key) {
        Object group = groups.get(key);
        if (group == null) {
            return List.of();
        }
        // An array is never changed once published: a read-only view of it is a snapshot.
        return group instanceof Object[] small ? (List<V>) Collections.unmodifiableList(Arrays.asList(small))
                : List.copyOf(set(group));
    }

    Collection<K> keys() {
        return groups.keySet();
    }

    @SuppressWarnings("unchecked")
    void forEach(Consumer<V> action) {
        groups.values().forEach(group -> {
            if (group instanceof Object[] small) {
                for (Object value : small) {
                    action.accept((V) value);
                }
            } else {
                Groups.<V>set(group).forEach(action);
            }
        });
    }

    private static int indexOf(Object[] values, Object value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i].equals(value)) {
                return i;
            }
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    private static <V> Set<V> set(Object group) {
        return (Set<V>) group;
    }
}
