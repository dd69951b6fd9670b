package chatapi.http;

/**
 * One token bucket: at most {@code capacity} tokens, refilled evenly at a rate, taken one at a time. The
 * rate limits (posts per credential) and the login allowances share it. Thread-safe.
 */
public final class TokenBucket {

    private final int capacity;
    private final double perNano;
    private double tokens;
    private long at;

    /** A full bucket at {@code now} ({@link System#nanoTime()}). */
    public TokenBucket(int capacity, double perSecond, long now) {
        this.capacity = capacity;
        this.perNano = perSecond / 1e9;
        this.tokens = capacity;
        this.at = now;
    }

    /** 0 when a token was taken, else how long until one is available (nanoseconds). */
    public synchronized long take(long now) {
        long wait = waitNanos(now);
        if (wait == 0) {
            tokens -= 1;
        }
        return wait;
    }

    /** How long until a token is available (0: now); nothing is taken. */
    public synchronized long waitNanos(long now) {
        refill(now);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano);
    }

    /** Puts a token back, or fills the bucket; true when it is full afterwards. */
    public synchronized boolean giveBack(long now, boolean fill) {
        refill(now);
        tokens = fill ? capacity : Math.min(capacity, tokens + 1);
        return tokens >= capacity;
    }

    /** Whether no token was left when last looked at (no refill counted since). */
    public synchronized boolean empty() {
        return tokens < 1;
    }

    private void refill(long now) {
        if (now > at) { // a caller's clock reading may be older than the last one used here
            tokens = Math.min(capacity, tokens + (now - at) * perNano);
            at = now;
        }
    }
}
