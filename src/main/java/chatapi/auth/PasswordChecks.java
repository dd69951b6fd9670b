package chatapi.auth;

import chatapi.http.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slow password hash, bounded: PBKDF2 runs on a worker pool of its own ({@code authHashThreads}, about
 * one per core) with at most {@code authHashQueue} checks waiting for it. Beyond that a check is refused at
 * once (503 with Retry-After), so a flood of logins with made-up names costs bounded CPU, never queues without
 * end, and leaves the event loops (Bearer, tickets, cached Basic logins) to everyone else.
 */
final class PasswordChecks {

    private static final int RETRY_AFTER_SECONDS = 1;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final WorkerExecutor workers;
    private final int capacity;
    private final AtomicInteger admitted = new AtomicInteger();
    private final Counter checks;
    private final Counter rejections;

    PasswordChecks(Vertx vertx, int threads, int queue, MeterRegistry registry) {
        // A pool per server (named apart), so that two servers in one JVM (tests) do not share one.
        this.workers = vertx.createSharedWorkerExecutor("chat-password-" + POOLS.incrementAndGet(), threads);
        this.capacity = threads + queue;
        this.checks = Counter.builder("chat_auth_password_checks")
                .description("Password hashes computed for Basic logins").register(registry);
        this.rejections = Counter.builder("chat_auth_password_rejections")
                .description("Basic logins refused with 503 because the hashing pool and its queue were full")
                .register(registry);
    }

    /** Whether the password matches the stored hash (absent: the dummy hash, same cost); 503 when full. */
    Future<Boolean> verify(String storedHash, String password) {
        if (admitted.incrementAndGet() > capacity) {
            admitted.decrementAndGet();
            rejections.increment();
            return Future.failedFuture(ApiException.unavailable("auth.busy", RETRY_AFTER_SECONDS));
        }
        checks.increment();
        return workers.executeBlocking(() -> Passwords.matches(storedHash, password), false)
                .onComplete(done -> admitted.decrementAndGet());
    }

    void close() {
        workers.close();
    }
}
