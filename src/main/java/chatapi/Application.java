package chatapi;

import chatapi.auth.Security;
import chatapi.config.AppConfig;
import chatapi.db.Migrations;
import chatapi.http.AppTokens;
import chatapi.longpoll.LongPollVerticle;
import chatapi.longpoll.ParkedPolls;
import chatapi.ops.JvmMeters;
import chatapi.ops.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
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
    private final JvmMeters jvmMeters;
    private final String listenerDeployment;
    private final String apiDeployment;
    private final int port;

    private Application(Vertx vertx, ParkedPolls longPoll, AppTokens appTokens, Security.Shared security,
            JvmMeters jvmMeters, String listenerDeployment, String apiDeployment, int port) {
        this.vertx = vertx;
        this.longPoll = longPoll;
        this.appTokens = appTokens;
        this.security = security;
        this.jvmMeters = jvmMeters;
        this.listenerDeployment = listenerDeployment;
        this.apiDeployment = apiDeployment;
        this.port = port;
    }

    /**
     * Starts with its own metrics registry: chat-api's meters, and the JVM's from the first scrape on; Vert.x's only
     * if {@code vertx} reports into it.
     */
    public static Future<Application> start(Vertx vertx, AppConfig config) {
        return start(vertx, config, Metrics.registry());
    }

    /** Starts, serving {@code registry} at /metrics; pass the one {@code vertx} reports into (Main does). */
    public static Future<Application> start(Vertx vertx, AppConfig config, PrometheusMeterRegistry registry) {
        return start(vertx, config, registry, migrate(config));
    }

    /**
     * Brings the schema up to date (and loads the demo data when configured) on a thread of its own: Main starts it
     * before it builds Vert.x and the metrics, which takes as long (start-up is CPU-bound: both overlap).
     */
    public static CompletableFuture<Void> migrate(AppConfig config) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread migrations = new Thread(() -> {
            try {
                Migrations.migrate(config);
                if (config.demoData()) {
                    Migrations.loadDemoData(config);
                }
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "chat-api-migrations");
        migrations.setDaemon(true);
        migrations.start();
        return done;
    }

    /** As {@link #start(Vertx, AppConfig, PrometheusMeterRegistry)}, with the migrations already under way. */
    public static Future<Application> start(Vertx vertx, AppConfig config, PrometheusMeterRegistry registry,
            CompletableFuture<Void> migrations) {
        if (config.devStartChat()) {
            LOG.warn("devStartChat is on: POST /dev/StartChat starts chats for anyone who reaches {} "
                    + "(development only)", config.httpHost());
        }
        long heapHolds = AppConfig.parkedHeapHolds(Runtime.getRuntime().maxMemory());
        if (config.maxParked() > heapHolds) {
            LOG.warn("maxParked is {}, but the heap ({} MB) holds about {} parked requests: a flood of them could exhaust"
                    + " it before they are refused; raise -Xmx or lower maxParked (README, Sizing)", config.maxParked(),
                    Runtime.getRuntime().maxMemory() >> 20, heapHolds);
        }
        AtomicInteger port = new AtomicInteger();
        ParkedPolls longPoll = new ParkedPolls(config.maxParked(), config.limits().maxParkedPerCustomer(),
                config.limits().maxParkedPerAgent(), config.live().sseHeartbeatSeconds(), registry);
        LongPollVerticle listener = new LongPollVerticle(config, longPoll);
        AppTokens appTokens = new AppTokens(registry);
        ApiVerticle.Shared shared = ApiVerticle.Shared.create(vertx, config, longPoll, appTokens,
                () -> listener.listener().listening(), registry);
        Security.Shared security = shared.security();
        Future<Void> migrated = Future.fromCompletionStage(migrations, vertx.getOrCreateContext());
        // LISTEN needs no schema: the listener connects while Flyway works, and the API verticles build their
        // routers meanwhile; they accept requests once both are done (start-up is CPU-bound: all of it overlaps).
        Future<String> listening = vertx.deployVerticle(listener);
        CompletableFuture<Void> serve = new CompletableFuture<>();
        Future.all(migrated, listening).onComplete(all -> {
            if (all.succeeded()) {
                serve.complete(null);
            } else {
                serve.completeExceptionally(all.cause());
            }
        });
        Future<String> api = vertx.deployVerticle(() -> new ApiVerticle(config, shared, port::set, serve),
                new DeploymentOptions().setInstances(config.instances()));
        return Future.join(migrated, listening, api).transform(done -> {
            if (done.succeeded()) {
                LOG.info("chat-api listening on {}:{} with {} verticle instance(s)",
                        config.httpHost(), port.get(), config.instances());
                return Future.succeededFuture(new Application(vertx, longPoll, appTokens, security,
                        shared.jvmMeters(), listening.result(), api.result(), port.get()));
            }
            // The migrations' failure first: the verticles fail with it too.
            Throwable cause = migrated.failed() ? migrated.cause() : listening.failed() ? listening.cause() : api.cause();
            Future<Void> undeployed = Future.join(
                    listening.succeeded() ? vertx.undeploy(listening.result()) : Future.succeededFuture(),
                    api.succeeded() ? vertx.undeploy(api.result()) : Future.succeededFuture()).mapEmpty();
            return undeployed.transform(v -> Future.failedFuture(cause));
        });
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
                .onComplete(done -> {
                    security.close();
                    jvmMeters.close();
                });
    }
}
