package chatapi.ops;

import chatapi.chat.LongPoll;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
 * meters, and chat-api's long-poll meters.
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

    /** The long-poll meters: parked requests, wake-ups, timeouts, rejections, wake queries. */
    public static void bind(MeterRegistry registry, LongPoll longPoll) {
        Gauge.builder("chat_longpoll_parked", longPoll, LongPoll::parked)
                .description("Requests parked right now on this instance").register(registry);
        FunctionCounter.builder("chat_longpoll_wakeups", longPoll, LongPoll::wakeups)
                .description("Parked requests answered because a message arrived").register(registry);
        FunctionCounter.builder("chat_longpoll_timeouts", longPoll, LongPoll::timeouts)
                .description("Parked requests answered [] when their wait ran out").register(registry);
        FunctionCounter.builder("chat_longpoll_rejections", longPoll, LongPoll::rejections)
                .description("Requests refused with 503 at the cap on parked requests").register(registry);
        FunctionCounter.builder("chat_longpoll_throttled", longPoll, LongPoll::throttled)
                .description("Requests refused with 429 at their credential's cap on parked requests").register(registry);
        FunctionCounter.builder("chat_longpoll_wake_queries", longPoll, LongPoll::wakeQueries)
                .description("Wake-up queries run (one serves every waiter of up to 500 sessions)").register(registry);
    }
}
