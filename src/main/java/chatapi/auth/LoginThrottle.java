package chatapi.auth;

import chatapi.http.ApiException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Password guessing slowed without handing anyone a lockout switch. Basic logins that need a password check
 * are counted when they start (attempts still in flight count), per (user name, client address) and per client
 * address. Once either count reaches its limit, further attempts are refused at once, 429 with Retry-After and
 * no password check, until that count has been left alone for the lockout time. A login that succeeds uncounts
 * itself and clears its (user, address) count. Guessing at a user's password from one address never keeps
 * that user out from another.
 *
 * <p>Caffeine holds the counts, bounded in size and time. A count at its limit (a lockout) weighs nothing, so
 * that no flood of other names or addresses can evict it and reset the lockout; only time ends it. Reaching a
 * limit costs that many real password checks, which {@link PasswordChecks} bounds, so lockouts cannot grow
 * the tables faster than the hashing allows. Counts below their limit may be evicted by a flood: that gives an
 * attacker back at most the few attempts it had left.
 */
final class LoginThrottle {

    private static final int MAX_ENTRIES = 100_000;

    private final int maxPerUserAndAddress;
    private final int maxPerAddress;
    private final int retryAfterSeconds;
    private final Cache<String, AtomicInteger> byUserAndAddress;
    private final Cache<String, AtomicInteger> byAddress;

    LoginThrottle(int maxPerUserAndAddress, int maxPerAddress, int lockoutSeconds) {
        this.maxPerUserAndAddress = maxPerUserAndAddress;
        this.maxPerAddress = maxPerAddress;
        this.retryAfterSeconds = lockoutSeconds;
        this.byUserAndAddress = table(lockoutSeconds, maxPerUserAndAddress);
        this.byAddress = table(lockoutSeconds, maxPerAddress);
    }

    /** One login attempt under way; it ends as exactly one of these. */
    interface Attempt {
        /** The password was right: the attempt is uncounted and the (user, address) count cleared. */
        void succeeded();

        /** The password was wrong or the user unknown: the attempt stays counted. */
        void failed();

        /** Nobody could tell (the database or the hashing was unavailable): the attempt is uncounted. */
        void abandoned();
    }

    /** Whether a login of this user from this address would be refused now (nothing is counted). */
    boolean refusing(String user, String address) {
        return atLimit(byAddress.getIfPresent(address), maxPerAddress)
                || atLimit(byUserAndAddress.getIfPresent(userKey(user, address)), maxPerUserAndAddress);
    }

    /** Counts an attempt that starts now; a 429 when a limit is reached, and then nothing is counted. */
    Attempt begin(String user, String address) {
        String userKey = userKey(user, address);
        AtomicInteger perAddress = byAddress.get(address, k -> new AtomicInteger());
        AtomicInteger perUser = byUserAndAddress.get(userKey, k -> new AtomicInteger());
        if (!take(byAddress, address, perAddress, maxPerAddress)) {
            throw refused();
        }
        if (!take(byUserAndAddress, userKey, perUser, maxPerUserAndAddress)) {
            release(byAddress, address, perAddress, maxPerAddress);
            throw refused();
        }
        return new Attempt() {
            @Override
            public void succeeded() {
                release(byAddress, address, perAddress, maxPerAddress);
                byUserAndAddress.asMap().remove(userKey, perUser);
            }

            @Override
            public void failed() {
                // Stays counted; the entries expire once left alone for the lockout time.
            }

            @Override
            public void abandoned() {
                release(byAddress, address, perAddress, maxPerAddress);
                release(byUserAndAddress, userKey, perUser, maxPerUserAndAddress);
            }
        };
    }

    /** Runs the tables' pending maintenance (evictions) now: for tests of their bounds. */
    void cleanUp() {
        byUserAndAddress.cleanUp();
        byAddress.cleanUp();
    }

    ApiException refused() {
        return ApiException.tooManyRequests(retryAfterSeconds, "auth.throttled", retryAfterSeconds);
    }

    /** One more, unless the count is at its limit; the one that reaches it makes the entry weigh nothing. */
    private static boolean take(Cache<String, AtomicInteger> table, String key, AtomicInteger count, int max) {
        while (true) {
            int n = count.get();
            if (n >= max) {
                return false;
            }
            if (count.compareAndSet(n, n + 1)) {
                if (n + 1 == max) {
                    table.asMap().replace(key, count, count); // weighed again: a lockout is never evicted
                }
                return true;
            }
        }
    }

    /** One less; the entry that falls below its limit weighs again (evictable). */
    private static void release(Cache<String, AtomicInteger> table, String key, AtomicInteger count, int max) {
        if (count.getAndUpdate(n -> Math.max(0, n - 1)) == max) {
            table.asMap().replace(key, count, count);
        }
    }

    private static boolean atLimit(AtomicInteger count, int max) {
        return count != null && count.get() >= max;
    }

    private static String userKey(String user, String address) {
        return user.toLowerCase(Locale.ROOT) + '\u0000' + address;
    }

    private static Cache<String, AtomicInteger> table(int lockoutSeconds, int max) {
        // Every attempt reads its entries: a count left alone for the lockout time is forgotten.
        return Caffeine.newBuilder()
                .maximumWeight(MAX_ENTRIES)
                .<String, AtomicInteger>weigher((key, count) -> count.get() >= max ? 0 : 1)
                .expireAfterAccess(Duration.ofSeconds(lockoutSeconds))
                .build();
    }
}
