package chatapi.longpoll;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Values grouped by key, safe for concurrent use from every event loop: a key is present exactly
 * while it has values. Adding and removing run inside {@link ConcurrentHashMap#compute}, so a value
 * is never added to a group that a concurrent removal is dropping as empty.
 */
final class Groups<K, V> {

    private final ConcurrentHashMap<K, Set<V>> groups = new ConcurrentHashMap<>();

    void add(K key, V value) {
        groups.compute(key, (k, group) -> {
            Set<V> live = group != null ? group : ConcurrentHashMap.newKeySet();
            live.add(value);
            return live;
        });
    }

    void remove(K key, V value) {
        groups.computeIfPresent(key, (k, group) -> {
            group.remove(value);
            return group.isEmpty() ? null : group;
        });
    }

    boolean has(K key) {
        return groups.containsKey(key);
    }

    /** A snapshot of the key's values (empty when none). */
    List<V> values(K key) {
        Set<V> group = groups.get(key);
        return group == null ? List.of() : List.copyOf(group);
    }

    Collection<K> keys() {
        return groups.keySet();
    }

    void forEach(Consumer<V> action) {
        groups.values().forEach(group -> group.forEach(action));
    }
}
