package chatapi.ops;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * Metrics with vertx-micrometer-metrics into a Prometheus registry, scraped at {@code /metrics}:
 * Vert.x's own HTTP server, pool and event-loop meters (HTTP by method, route and status), JVM
 * meters; the features register their own meters (the long-poll's: {@code ParkedPolls}).
 */
public final class Metrics {

    private Metrics() {
    }

    public static PrometheusMeterRegistry registry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** A Vert.x instance reporting into {@code registry}. */
    public static Vertx vertx(PrometheusMeterRegistry registry) {
        MicrometerMetricsOptions options = new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(true)
                .addLabels(Label.HTTP_METHOD, Label.HTTP_ROUTE, Label.HTTP_CODE);
        return Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(options))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }
}
