package chatapi.auth;

import chatapi.http.ApiException;
import chatapi.http.TokenBucket;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Password guessing slowed without handing anyone a lockout switch. Basic logins that need a password check
 * take an attempt when they start (attempts still in flight count) from two allowances: one per (user name,
 * client address), one per client address. Each holds {@code max} attempts and gets them back evenly over
 * {@code lockoutSeconds}: 5 guesses at once, then one a minute for a pair; 50, then one every 6 s for an
 * address. An empty allowance refuses at once, 429 with Retry-After and no password check. A login that
 * succeeds gives its attempt back and fills its pair's allowance again; one that could not be checked
 * (database or hashing unavailable) gives its attempt back. Guessing at a user's password from one address
 * never keeps that user out from another.
 *
 * <p>Caffeine holds the allowances, bounded in size and time; an allowance left alone for {@code
 * lockoutSeconds} is full again, so forgetting it changes nothing. An empty one (a lockout) weighs nothing, so
 * that no flood of other names or addresses can evict it and reset the lockout; only time ends it. Emptying one
 * costs that many real password checks, which {@link PasswordChecks} bounds, so lockouts cannot grow the
 * tables faster than the hashing allows. Keys are fixed-size: the user name enters as its SHA-256.
 */
final class LoginThrottle {

    private static final int MAX_ENTRIES = 100_000;

    private final Table byUserAndAddress;
    private final Table byAddress;

    LoginThrottle(int maxPerUserAndAddress, int maxPerAddress, int lockoutSeconds) {
        this.byUserAndAddress = new Table(maxPerUserAndAddress, lockoutSeconds);
        this.byAddress = new Table(maxPerAddress, lockoutSeconds);
    }

    /** One login attempt under way; it ends as exactly one of these. */
    interface Attempt {
        /** The password was right: the attempt is given back and the pair's allowance filled again. */
        void succeeded();

        /** The password was wrong or the user unknown: the attempt stays taken. */
        void failed();

        /** Nobody could tell (the database or the hashing was unavailable): the attempt is given back. */
        void abandoned();
    }

    /**
     * A 429 when a login of this user from this address would be refused now (nothing is taken), with the
     * Retry-After of the emptier allowance; null when it would not.
     */
    ApiException refusal(String user, String address) {
        return refusal(key(user, address));
    }

    ApiException refusal(Key key) {
        long now = System.nanoTime();
        long wait = Math.max(byAddress.waitNanos(key.address(), now), byUserAndAddress.waitNanos(key.pair(), now));
        return wait == 0 ? null : tooMany(wait);
    }

    /** Whose allowances a login takes from: its (user, address) pair and its address; the name hashed once. */
    record Key(String pair, String address) {
    }

    static Key key(String user, String address) {
        return new Key(pair(user, address), address);
    }

    /** Takes an attempt that starts now; a 429 when an allowance is empty, and then nothing is taken. */
    Attempt begin(String user, String address) {
        return begin(key(user, address));
    }

    Attempt begin(Key key) {
        long now = System.nanoTime();
        String pair = key.pair();
        String address = key.address();
        long wait = byAddress.take(address, now);
        if (wait == 0) {
            wait = byUserAndAddress.take(pair, now);
            if (wait > 0) {
                byAddress.giveBack(address, now, false);
            }
        }
        if (wait > 0) {
            throw tooMany(wait);
        }
        return new Attempt() {
            @Override
            public void succeeded() {
                long at = System.nanoTime();
                byAddress.giveBack(address, at, false);
                byUserAndAddress.giveBack(pair, at, true);
            }

            @Override
            public void failed() {
                // Stays taken; it comes back with time.
            }

            @Override
            public void abandoned() {
                long at = System.nanoTime();
                byAddress.giveBack(address, at, false);
                byUserAndAddress.giveBack(pair, at, false);
            }
        };
    }

    private static ApiException tooMany(long waitNanos) {
        int seconds = (int) Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        return ApiException.tooManyRequests(seconds, "auth.throttled", seconds);
    }

    /** Runs the tables' pending maintenance (evictions) now: for tests of their bounds. */
    void cleanUp() {
        byUserAndAddress.entries.cleanUp();
        byAddress.entries.cleanUp();
    }

    private static String pair(String user, String address) {
        try {
            byte[] name = MessageDigest.getInstance("SHA-256").digest(user.toLowerCase(Locale.ROOT)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(name, 0, 16) + ' ' + address;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Allowances by key: {@code max} attempts, refilled evenly over the lockout time. */
    private static final class Table {
        final Cache<String, TokenBucket> entries;
        final int max;
        final double perSecond;

        Table(int max, int lockoutSeconds) {
            this.max = max;
            this.perSecond = max / (double) lockoutSeconds;
            this.entries = Caffeine.newBuilder()
                    .maximumWeight(MAX_ENTRIES)
                    .<String, TokenBucket>weigher((key, allowance) -> allowance.empty() ? 0 : 1)
                    // Untouched this long, an allowance is full again: forgetting it changes nothing.
                    .expireAfterWrite(Duration.ofSeconds(lockoutSeconds))
                    .build();
        }

        /** How long until an attempt is available (0: now); nothing is taken or written. */
        long waitNanos(String key, long now) {
            TokenBucket a = entries.getIfPresent(key);
            return a == null ? 0 : a.waitNanos(now);
        }

        /**
         * 0 when an attempt was taken, else how long until one is available (nanoseconds). Inside the cache's
         * compute, so that the entry is weighed (0 once empty) under its lock and no give-back removes it meanwhile;
         * a write renews the expiry, which only forgets an allowance once it would be full again anyway.
         */
        long take(String key, long now) {
            long[] wait = {0};
            entries.asMap().compute(key, (k, a) -> {
                TokenBucket allowance = a != null ? a : new TokenBucket(max, perSecond, now);
                wait[0] = allowance.take(now);
                return allowance;
            });
            return wait[0];
        }

        /** Gives an attempt back (or fills the allowance); a full allowance is forgotten. */
        void giveBack(String key, long now, boolean fill) {
            entries.asMap().computeIfPresent(key, (k, a) -> a.giveBack(now, fill) ? null : a);
        }
    }
}
