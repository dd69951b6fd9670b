package chatapi;

import chatapi.auth.Security;
import chatapi.config.AppConfig;
import chatapi.db.Migrations;
import chatapi.http.AppTokens;
import chatapi.longpoll.LongPollVerticle;
import chatapi.longpoll.ParkedPolls;
import chatapi.ops.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running chat-api: migrations applied (and demo data loaded when configured) on a worker thread,
 * then the listener verticle (LISTEN connection, wake-ups) and {@code instances} copies of
 * {@link ApiVerticle} listening on one port, all sharing one {@link ParkedPolls} registry.
 */
public final class Application {

    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private final Vertx vertx;
    private final ParkedPolls longPoll;
    private final AppTokens appTokens;
    private final Security.Shared security;
    private final String listenerDeployment;
    private final String apiDeployment;
    private final int port;

    private Application(Vertx vertx, ParkedPolls longPoll, AppTokens appTokens, Security.Shared security,
            String listenerDeployment, String apiDeployment, int port) {
        this.vertx = vertx;
        this.longPoll = longPoll;
        this.appTokens = appTokens;
        this.security = security;
        this.listenerDeployment = listenerDeployment;
        this.apiDeployment = apiDeployment;
        this.port = port;
    }

    /** Starts with its own metrics registry (chat-api's meters only, unless {@code vertx} reports into it). */
    public static Future<Application> start(Vertx vertx, AppConfig config) {
        return start(vertx, config, Metrics.registry());
    }

    /** Starts, serving {@code registry} at /metrics; pass the one {@code vertx} reports into (Main does). */
    public static Future<Application> start(Vertx vertx, AppConfig config, PrometheusMeterRegistry registry) {
        if (config.devStartChat()) {
            LOG.warn("devStartChat is on: POST /dev/StartChat starts chats for anyone who reaches {} "
                    + "(development only)", config.httpHost());
        }
        AtomicInteger port = new AtomicInteger();
        ParkedPolls longPoll = new ParkedPolls(config.maxParked(), config.limits().maxParkedPerCustomer(),
                config.limits().maxParkedPerAgent(), config.live().sseHeartbeatSeconds(), registry);
        LongPollVerticle listener = new LongPollVerticle(config, longPoll);
        AppTokens appTokens = new AppTokens(registry);
        ApiVerticle.Shared shared = ApiVerticle.Shared.create(vertx, config, longPoll, appTokens,
                () -> listener.listener().listening(), registry);
        Security.Shared security = shared.security();
        Future<Object> migrated = vertx.executeBlocking(() -> {
            Migrations.migrate(config);
            if (config.demoData()) {
                Migrations.loadDemoData(config);
            }
            return null;
        }, false);
        // LISTEN needs no schema: the listener connects while Flyway works, which shortens start-up.
        Future<String> listening = vertx.deployVerticle(listener);
        return Future.all(migrated, listening)
                .recover(err -> listening.succeeded()
                        ? vertx.undeploy(listening.result()).transform(v -> Future.failedFuture(err))
                        : Future.failedFuture(err))
                .map(all -> listening.result())
                .compose(listenerId -> vertx.deployVerticle(
                                () -> new ApiVerticle(config, shared, port::set),
                                new DeploymentOptions().setInstances(config.instances()))
                        .map(apiId -> {
                            LOG.info("chat-api listening on {}:{} with {} verticle instance(s)",
                                    config.httpHost(), port.get(), config.instances());
                            return new Application(vertx, longPoll, appTokens, security, listenerId, apiId,
                                    port.get());
                        }));
    }

    /** The HTTP port the server listens on. */
    public int port() {
        return port;
    }

    public ParkedPolls longPoll() {
        return longPoll;
    }

    /** Requests per SO-AppToken fingerprint. */
    public AppTokens appTokens() {
        return appTokens;
    }

    /**
     * Graceful stop: parked requests are answered {@code []}, the servers stop accepting and finish
     * what is in flight, then the listener closes.
     */
    public Future<Void> stop() {
        longPoll.drain();
        return vertx.undeploy(apiDeployment)
                .eventually(() -> vertx.undeploy(listenerDeployment))
                .onComplete(done -> security.close());
    }
}
