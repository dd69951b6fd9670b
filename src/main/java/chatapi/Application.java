package chatapi;

import chatapi.config.AppConfig;
import chatapi.db.Migrations;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running chat-api: migrations applied (and demo data loaded when configured) on a worker thread,
 * then {@code instances} copies of {@link ApiVerticle} listening on one port.
 */
public final class Application {

    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private final Vertx vertx;
    private final String deploymentId;
    private final int port;

    private Application(Vertx vertx, String deploymentId, int port) {
        this.vertx = vertx;
        this.deploymentId = deploymentId;
        this.port = port;
    }

    public static Future<Application> start(Vertx vertx, AppConfig config) {
        AtomicInteger port = new AtomicInteger();
        return vertx.executeBlocking(() -> {
                    Migrations.migrate(config);
                    if (config.demoData()) {
                        Migrations.loadDemoData(config);
                    }
                    return null;
                }, false)
                .compose(v -> vertx.deployVerticle(() -> new ApiVerticle(config, port::set),
                        new DeploymentOptions().setInstances(config.instances())))
                .map(id -> {
                    LOG.info("chat-api listening on {}:{} with {} verticle instance(s)",
                            config.httpHost(), port.get(), config.instances());
                    return new Application(vertx, id, port.get());
                });
    }

    /** The HTTP port the server listens on. */
    public int port() {
        return port;
    }

    public Future<Void> stop() {
        return vertx.undeploy(deploymentId);
    }
}
