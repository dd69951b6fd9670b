package chatapi.auth;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Repeated Basic failures for one user name or one client address lock that name or address out
 * for a while: attempts are refused without checking the password until {@code lockoutMillis} after
 * the last counted failure. Per instance, in memory, bounded.
 */
final class Lockout {

    private static final int MAX_ENTRIES = 10_000;

    private final int maxPerUser;
    private final int maxPerAddress;
    private final long lockoutMillis;
    private final Map<String, Failures> users = bounded();
    private final Map<String, Failures> addresses = bounded();

    private static final class Failures {
        int count;
        long last;
    }

    Lockout(int maxPerUser, int maxPerAddress, long lockoutMillis) {
        this.maxPerUser = maxPerUser;
        this.maxPerAddress = maxPerAddress;
        this.lockoutMillis = lockoutMillis;
    }

    synchronized boolean locked(String user, String address, long now) {
        return locked(users.get(key(user)), maxPerUser, now) || locked(addresses.get(address), maxPerAddress, now);
    }

    synchronized void failed(String user, String address, long now) {
        count(users, key(user), now);
        count(addresses, address, now);
    }

    synchronized void succeeded(String user) {
        users.remove(key(user));
    }

    private boolean locked(Failures f, int max, long now) {
        return f != null && f.count >= max && now - f.last < lockoutMillis;
    }

    private void count(Map<String, Failures> map, String key, long now) {
        Failures f = map.computeIfAbsent(key, k -> new Failures());
        if (now - f.last >= lockoutMillis) {
            f.count = 0;
        }
        f.count++;
        f.last = now;
    }

    private static String key(String user) {
        return user.toLowerCase(Locale.ROOT);
    }

    private static Map<String, Failures> bounded() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > MAX_ENTRIES;
            }
        };
    }
}
