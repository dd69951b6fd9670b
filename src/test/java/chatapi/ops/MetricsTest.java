package chatapi.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Metrics")
class MetricsTest {

    @Test
    @DisplayName("Metrics.vertx binds Vert.x's meters and not the JVM's; bindJvm binds the ones vertx-micrometer's jvmMetricsEnabled would")
    void jvmMeters() throws Exception {
        // One at a time: vertx-micrometer keeps one backend per registry name, and Metrics.vertx uses the default one.
        PrometheusMeterRegistry ours = Metrics.registry();
        Vertx shipped = Metrics.vertx(ours);
        try {
            shipped.createHttpServer().requestHandler(request -> request.response().end()).listen(0).await(5, TimeUnit.SECONDS);
            assertTrue(ours.getMeters().stream().anyMatch(meter -> meter.getId().getName().startsWith("vertx.")),
                    "Vert.x reports into the registry");
            assertEquals(Set.of(), jvmMeterNames(ours), "no JVM meter until bindJvm");
        } finally {
            shipped.close().await(5, TimeUnit.SECONDS);
        }
        PrometheusMeterRegistry vertxBound = Metrics.registry();
        Vertx withJvm = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                        .setRegistryName("MetricsTest-jvm").setJvmMetricsEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(vertxBound))
                .build();
        try (AutoCloseable bound = Metrics.bindJvm(ours)) {
            Set<String> expected = jvmMeterNames(vertxBound);
            assertTrue(expected.contains("jvm.memory.used") && expected.contains("jvm.threads.live")
                    && expected.contains("process.uptime") && expected.contains("jvm.gc.overhead"), expected::toString);
            assertEquals(expected, jvmMeterNames(ours));
        } finally {
            withJvm.close().await(5, TimeUnit.SECONDS);
        }
    }

    /** The JVM, process and system meters; those a collection creates when it happens are left out. */
    private static Set<String> jvmMeterNames(MeterRegistry registry) {
        Set<String> names = new TreeSet<>();
        registry.getMeters().stream().map(meter -> meter.getId().getName())
                .filter(name -> name.startsWith("jvm.") || name.startsWith("process.") || name.startsWith("system."))
                .filter(name -> !name.equals("jvm.gc.pause") && !name.equals("jvm.gc.concurrent.phase.time"))
                .forEach(names::add);
        return names;
    }
}
