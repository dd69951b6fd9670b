package chatapi;

import chatapi.config.AppConfig;
import chatapi.ops.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar chat-api.jar [run] [--conf FILE] [--instances N]}: starts the server.
 */
public final class Main {

    private static final String USAGE = """
            Usage: java -jar chat-api.jar [run] [--conf FILE] [--instances N]
                   java -jar chat-api.jar token --role agent|customer [--session ID] [--sub NAME]
                                                [--ttl SECONDS] [--conf FILE]
              run              start the server (the default)
              token            print a JWT signed with the configured key (customer: --session required;
                               --ttl default 3600)
              --conf FILE      configuration file (default conf/config.json, or $CHAT_CONFIG)
              --instances N    verticle instances, one event loop each (default 1, or $CHAT_INSTANCES)
            Environment variables override the file: HTTP_HOST, HTTP_PORT, PGHOST, PGPORT, PGDATABASE,
            PGUSER, PGPASSWORD, CHAT_DEMO_DATA, CHAT_PUBLIC_BASE_URL, CHAT_PG_POOL_SIZE, CHAT_INSTANCES,
            CHAT_LONGPOLL_TIMEOUT, CHAT_MAX_PARKED, CHAT_JWT_SECRET, CHAT_JWT_ALGORITHM, CHAT_JWT_PUBLIC_KEY_FILE,
            CHAT_JWT_PRIVATE_KEY_FILE, CHAT_JWT_ISSUER, CHAT_JWT_AUDIENCE, CHAT_TICKET_TTL, CHAT_COOKIE_SECURE,
            CHAT_AUTH_MAX_FAILURES_PER_USER, CHAT_AUTH_MAX_FAILURES_PER_ADDRESS, CHAT_AUTH_LOCKOUT_SECONDS,
            CHAT_BASIC_CACHE_SECONDS (see README).""";

    /** Within this of SIGTERM the process has answered its parked polls and exited (docker-compose.yml waits longer). */
    static final int STOP_TIMEOUT_SECONDS = 10;
    private static volatile int exitCode;

    private Main() {
    }

    public static void main(String[] args) {
        // Vert.x logs through SLF4J/logback like the rest of the server; set before Vert.x loads.
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        // Netty's buffer events for Java Flight Recorder: registering them cost about 0.2 s of a 1.9 s start
        // (BENCHMARKS.md, 2026-12-07 seventh session); -Dio.netty.jfr.enabled=true turns them back on.
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        if (args.length > 0 && args[0].equals("token")) {
            System.exit(TokenCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv(),
                    System.out, System.err));
        }
        AppConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("chat-api: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (config == null) {
            System.out.println(USAGE);
            return;
        }
        start(config);
    }

    /** Starts Vert.x and the application; a failed start closes Vert.x and exits with 1. */
    private static void start(AppConfig config) {
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("Starting with {}", config);
        var migrations = Application.migrate(config);
        PrometheusMeterRegistry registry = Metrics.registry();
        Vertx vertx = Metrics.vertx(registry);
        AtomicReference<Application> running = new AtomicReference<>();
        Application.start(vertx, config, registry, migrations)
                .onSuccess(running::set)
                .onFailure(err -> {
                    log.error("chat-api failed to start", err);
                    exitCode = 1;
                    new Thread(() -> {
                        try {
                            vertx.close().await(5, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            log.warn("Vert.x did not close cleanly", e);
                        }
                        System.exit(1);
                    }, "chat-api-exit").start();
                });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(vertx, running.get(), log), "chat-api-shutdown"));
    }

    /**
     * SIGTERM / SIGINT: answer every parked request with [], stop accepting, finish what is in flight,
     * close, and exit with 0 (the JVM would report 143 for SIGTERM otherwise) within 10 seconds.
     */
    private static void stop(Vertx vertx, Application app, Logger log) {
        try {
            if (app != null) {
                log.info("Stopping: answering {} parked request(s)", app.longPoll().parked());
                app.stop().await(STOP_TIMEOUT_SECONDS - 2, TimeUnit.SECONDS);
            }
            vertx.close().await(2, TimeUnit.SECONDS);
            log.info("Stopped");
        } catch (Exception e) {
            log.warn("Shutdown did not finish cleanly", e);
        }
        chatapi.ops.BufferedConsoleAppender.flushAll(); // the access lines still in their buffer
        Runtime.getRuntime().halt(exitCode);
    }

    /** The configuration the arguments ask for, or null when they ask for help. */
    static AppConfig parse(String[] args) {
        String conf = null;
        Integer instances = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "run" -> { }
                case "-h", "--help" -> {
                    return null;
                }
                case "--conf" -> conf = value(args, ++i, "--conf");
                case "--instances" -> instances = number(value(args, ++i, "--instances"));
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        AppConfig config = AppConfig.load(conf, System.getenv());
        return instances == null ? config : config.withInstances(instances);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int number(String raw) {
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--instances must be a number, not '" + raw + "'");
        }
    }
}
