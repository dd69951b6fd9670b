package chatapi.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * A rate limit per key: a token bucket each, holding up to {@code burst} tokens and refilled at
 * {@code perSecond}. A bucket left alone until it would be full again is forgotten (Caffeine, bounded in size
 * and time), which changes nothing: a new bucket starts full.
 */
public final class TokenBuckets {

    private static final int MAX_KEYS = 100_000;

    private final int perSecond;
    private final int burst;
    private final Cache<Object, TokenBucket> buckets;

    public TokenBuckets(int perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = burst;
        long refillSeconds = (burst + perSecond - 1) / perSecond;
        this.buckets = Caffeine.newBuilder().maximumSize(MAX_KEYS)
                .expireAfterAccess(Duration.ofSeconds(refillSeconds + 1)).build();
    }

    /** Takes a token from the key's bucket; false when it is empty. */
    public boolean tryTake(Object key) {
        long now = System.nanoTime();
        return buckets.get(key, k -> new TokenBucket(burst, perSecond, now)).take(now) == 0;
    }
}
