package chatapi.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Metrics with vertx-micrometer-metrics into a Prometheus registry, scraped at {@code /metrics}:
 * Vert.x's own HTTP server, pool and event-loop meters (HTTP by method, route and status), JVM
 * meters ({@link #bindJvm}); the features register their own meters (the long-poll's: {@code ParkedPolls}).
 */
public final class Metrics {

    private Metrics() {
    }

    public static PrometheusMeterRegistry registry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** A Vert.x instance reporting into {@code registry}; the JVM's meters are {@link #bindJvm}'s. */
    public static Vertx vertx(PrometheusMeterRegistry registry) {
        MicrometerMetricsOptions options = new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(false)
                .addLabels(Label.HTTP_METHOD, Label.HTTP_ROUTE, Label.HTTP_CODE);
        return Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(options))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    /**
     * Binds the JVM's meters, the binders vertx-micrometer's {@code jvmMetricsEnabled} binds (so the same names),
     * into {@code registry}; closing the result lets go of the collectors' notifications. {@link JvmMeters} binds them
     * at the first scrape: binding them while Vert.x was built took 36 ms of the main thread and the start was about
     * 60 ms shorter without it (BENCHMARKS.md, 2026-12-08). A binder that fails closes the ones bound before it.
     */
    public static AutoCloseable bindJvm(MeterRegistry registry) {
        List<MeterBinder> binders = List.of(new ClassLoaderMetrics(), new JvmCompilationMetrics(), new JvmGcMetrics(),
                new JvmHeapPressureMetrics(), new JvmInfoMetrics(), new JvmMemoryMetrics(), new JvmThreadMetrics(),
                new ProcessorMetrics(), new UptimeMetrics());
        AutoCloseable bound = () -> binders.forEach(Metrics::close);
        try {
            binders.forEach(binder -> binder.bindTo(registry));
        } catch (RuntimeException e) {
            binders.forEach(Metrics::close);
            throw e;
        }
        return bound;
    }

    /** Each binder on its own: one that fails to close does not keep the others' listeners. */
    private static void close(MeterBinder binder) {
        if (binder instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(Metrics.class).debug("Closing {} failed", binder.getClass().getSimpleName(), e);
            }
        }
    }
}
