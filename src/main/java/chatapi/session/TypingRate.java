package chatapi.session;

import chatapi.http.TokenBuckets;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * The typing updates a credential may send. Setting the flag takes a token from the credential's bucket; the
 * clearing that follows an accepted set (of the same session) is free, so that "stopped typing" is never
 * refused and the other side never shows "is typing…" for the flag's whole lifetime after a quick burst of
 * messages. A clearing with no set to end takes a token like a set: a client may make at most two writes per
 * token. Shared by the verticles of a process; thread-safe.
 */
public final class TypingRate {

    private static final int MAX_OPEN = 100_000;

    private record Open(Object quotaKey, int session) {
    }

    private final TokenBuckets buckets;
    /** (credential, session) whose last accepted update set the flag; forgotten when the flag would expire. */
    private final Cache<Open, Boolean> open;

    /**
     * @param perSecond      updates per credential and second, after the burst
     * @param burst          updates per credential before the rate applies
     * @param flagLifeSeconds how long a set flag holds (after which a clearing has nothing to end)
     */
    public TypingRate(int perSecond, int burst, int flagLifeSeconds) {
        this.buckets = new TokenBuckets(perSecond, burst);
        this.open = Caffeine.newBuilder().maximumSize(MAX_OPEN)
                .expireAfterWrite(Duration.ofSeconds(flagLifeSeconds)).build();
    }

    /** Whether the caller may set ({@code set}) or clear its typing flag on a session now; counts it if so. */
    public boolean tryUpdate(Object quotaKey, int session, boolean set) {
        Open key = new Open(quotaKey, session);
        if (!set && open.asMap().remove(key) != null) {
            return true;
        }
        if (!buckets.tryTake(quotaKey)) {
            return false;
        }
        if (set) {
            open.put(key, Boolean.TRUE);
        }
        return true;
    }
}
