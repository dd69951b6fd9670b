package chatapi.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * chat-api as a separate process (the test's own classpath, {@code chatapi.Main}) on a free port of
 * 127.0.0.1, against a test database, logging to a temporary file that {@link #close()} deletes.
 */
public final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts a server; {@code environment} adds to (or overrides) the test database's settings. */
    public static ServerProcess start(TestDatabase db, Map<String, String> environment) throws IOException {
        return start(db, environment, freePort());
    }

    /** Starts a server on the given port (a restart on the port of one that stopped). */
    public static ServerProcess start(TestDatabase db, Map<String, String> environment, int port) throws IOException {
        Path log = Files.createTempFile("chat-api-process", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "chatapi.Main")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(db.environment());
        pb.environment().put("HTTP_HOST", "127.0.0.1");
        pb.environment().put("HTTP_PORT", Integer.toString(port));
        pb.environment().put("CHAT_DEMO_DATA", "true");
        pb.environment().put("CHAT_JWT_SECRET", TestDatabase.JWT_SECRET);
        pb.environment().put("CHAT_CONFIG", new File("conf/config.json").getAbsolutePath());
        pb.environment().putAll(environment);
        return new ServerProcess(pb.start(), log, port);
    }

    public int port() {
        return port;
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    public String logText() throws IOException {
        return Files.readString(log);
    }

    /**
     * Until the server answers {@code /health/ready} with 200 and at least {@code parked} requests parked
     * (30 s at most). Call it on a Vert.x context: a response read from another thread may be missed.
     */
    public Future<Void> awaitParked(Vertx vertx, HttpClient client, int parked) {
        Promise<Void> ready = Promise.promise();
        check(vertx, client, parked, System.nanoTime() + TimeUnit.SECONDS.toNanos(30), ready);
        return ready.future();
    }

    private void check(Vertx vertx, HttpClient client, int parked, long deadline, Promise<Void> ready) {
        client.request(HttpMethod.GET, port, "127.0.0.1", "/health/ready")
                .compose(req -> req.send().compose(resp -> resp.body().map(body -> resp.statusCode() == 200
                        && body.toJsonObject().getInteger("parked") >= parked)))
                .onComplete(r -> {
                    if (r.succeeded() && r.result()) {
                        ready.complete();
                    } else if (System.nanoTime() > deadline) {
                        ready.fail(new AssertionError("server on port " + port + " not ready with " + parked + " parked"));
                    } else {
                        vertx.setTimer(50, id -> check(vertx, client, parked, deadline, ready));
                    }
                });
    }

    /**
     * Blocks until the server answers {@code /health/ready} with 200, for tests that drive it from outside
     * Vert.x; fails with the server's log when it exits or does not get ready within 30 s.
     */
    public void awaitReady() throws IOException, InterruptedException {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest ready = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/health/ready")).timeout(java.time.Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (client.send(ready, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50); // polling a process that cannot tell us when it is ready
        }
        throw new AssertionError("server on port " + port + " did not get ready:\n" + logText());
    }

    /** SIGTERM, as a supervisor stops it; the exit status once it has exited (within 30 s). */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("server on port " + port + " did not exit within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** Kills the process if it still runs (SIGKILL) and deletes its log. */
    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
