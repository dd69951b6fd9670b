package chatapi.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's meters ({@link Metrics#bindJvm}), bound by the first scrape of {@code /metrics}, on a worker thread,
 * which that scrape waits for (up to {@value #WAIT_SECONDS} s, then it answers without them): binding them while
 * Vert.x was built made the start about 60 ms longer (BENCHMARKS.md, 2026-12-08). The meters fed by the collector's
 * notifications ({@code jvm_gc_pause_seconds}, {@code jvm_gc_memory_allocated_bytes_total}, ...) count from that
 * scrape on; the rest read the JVM's own totals.
 */
public final class JvmMeters {

    private static final Logger LOG = LoggerFactory.getLogger(JvmMeters.class);
    static final long WAIT_SECONDS = 5;

    private final Vertx vertx;
    private final MeterRegistry registry;
    private Future<AutoCloseable> bound; // guarded by this; null until the first scrape
    private boolean closed; // guarded by this

    public JvmMeters(Vertx vertx, MeterRegistry registry) {
        this.vertx = vertx;
        this.registry = registry;
    }

    /** {@code scrape}, once the JVM's meters are bound (at once after the first time). */
    public Handler<RoutingContext> before(Handler<RoutingContext> scrape) {
        return ctx -> {
            Future<AutoCloseable> binding = bind();
            if (binding.isComplete()) {
                scrape.handle(ctx);
            } else {
                Context context = vertx.getOrCreateContext();
                binding.timeout(WAIT_SECONDS, TimeUnit.SECONDS)
                        .onComplete(done -> context.runOnContext(v -> scrape.handle(ctx)));
            }
        };
    }

    private synchronized Future<AutoCloseable> bind() {
        if (bound == null) {
            if (closed) {
                return Future.succeededFuture();
            }
            bound = vertx.executeBlocking(() -> Metrics.bindJvm(registry));
            bound.onFailure(err -> LOG.warn("The JVM's meters are not bound", err));
        }
        return bound;
    }

    /** Lets go of the collectors' notifications, once bound; no binding after this. */
    public synchronized void close() {
        closed = true;
        if (bound != null) {
            bound.onSuccess(meters -> {
                try {
                    meters.close();
                } catch (Exception e) {
                    LOG.debug("Closing the JVM's meters failed", e);
                }
            });
        }
    }
}
