package chatapi.message;

import chatapi.auth.Principal;
import chatapi.config.Limits;
import chatapi.http.ApiException;
import chatapi.http.TokenBuckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The rate of posted messages per credential (a customer's session, an agent), before anything is read or
 * stored: beyond a burst, a steady rate; then 429 with Retry-After. One visitor cannot flood an agent or the
 * database. Shared by every verticle of a process.
 */
public final class PostRate implements Handler<RoutingContext> {

    private static final int RETRY_AFTER_SECONDS = 1;

    private final TokenBuckets customers;
    private final TokenBuckets agents;
    private final Counter throttled;

    public PostRate(Limits limits, MeterRegistry registry) {
        this.customers = new TokenBuckets(limits.customerPostsPerSecond(), limits.customerPostBurst());
        this.agents = new TokenBuckets(limits.agentPostsPerSecond(), limits.agentPostBurst());
        this.throttled = Counter.builder("chat_messages_throttled")
                .description("Posted messages refused with 429 at their credential's rate limit").register(registry);
    }

    @Override
    public void handle(RoutingContext ctx) {
        Principal caller = Principal.of(ctx);
        if ((caller.isAgent() ? agents : customers).tryTake(caller.quotaKey())) {
            ctx.next();
        } else {
            throttled.increment();
            ctx.fail(ApiException.tooManyRequests(RETRY_AFTER_SECONDS, "message.rateLimited"));
        }
    }
}
