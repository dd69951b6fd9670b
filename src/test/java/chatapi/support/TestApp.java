package chatapi.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import chatapi.Application;
import chatapi.auth.Tokens;
import chatapi.config.AppConfig;
import chatapi.longpoll.ParkedPolls;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * chat-api running in the test's Vert.x on a free port, and an HTTP client talking to it over
 * loopback. {@link #stop()} fails if Vert.x reported a blocked event loop while it ran.
 */
public final class TestApp implements BeforeAllCallback, AfterAllCallback {

    private static final String BLOCKED_THREAD_LOGGER = "io.vertx.core.internal.threadchecker.BlockedThreadChecker";

    private Application application;
    private Context context;
    private HttpClient client;
    private ListAppender<ILoggingEvent> blockedThreadWarnings;
    private Tokens tokens;

    // Only for an app registered as an extension (on): its database and its own Vert.x.
    private TestDatabase database;
    private Consumer<JsonObject> changes;
    private Vertx ownVertx;

    private TestApp() {
    }

    private TestApp(Application application, Context context, HttpClient client,
            ListAppender<ILoggingEvent> warnings, Tokens tokens) {
        init(application, context, client, warnings, tokens);
    }

    private void init(Application application, Context context, HttpClient client,
            ListAppender<ILoggingEvent> warnings, Tokens tokens) {
        this.application = application;
        this.tokens = tokens;
        this.context = context;
        this.client = client;
        this.blockedThreadWarnings = warnings;
    }

    /**
     * The server of a test class, as a JUnit extension: started (on its own Vert.x) after the
     * database is created and before the class's tests, stopped after them. Register it after the
     * database: {@code @RegisterExtension @Order(1) static final TestDatabase DB = …;}
     * {@code @RegisterExtension @Order(2) static final TestApp app = TestApp.on(DB);}
     */
    public static TestApp on(TestDatabase database) {
        return on(database, json -> { });
    }

    /** As {@link #on(TestDatabase)}, with changes to the configuration's JSON form. */
    public static TestApp on(TestDatabase database, Consumer<JsonObject> changes) {
        TestApp app = new TestApp();
        app.database = database;
        app.changes = changes;
        return app;
    }

    @Override
    public void beforeAll(ExtensionContext extension) throws Exception {
        ownVertx = Vertx.vertx();
        TestApp started = start(ownVertx, database.config(changes)).await(60, TimeUnit.SECONDS);
        init(started.application, started.context, started.client, started.blockedThreadWarnings, started.tokens);
    }

    @Override
    public void afterAll(ExtensionContext extension) throws Exception {
        try {
            stop().await(30, TimeUnit.SECONDS);
        } finally {
            ownVertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    public static Future<TestApp> start(Vertx vertx, AppConfig config) {
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        ((Logger) LoggerFactory.getLogger(BLOCKED_THREAD_LOGGER)).addAppender(warnings);
        return Application.start(vertx, config)
                .map(app -> new TestApp(app, vertx.getOrCreateContext(),
                        // A connection per concurrent request (Vert.x's default pool holds 5), so that requests a
                        // test sends together reach the server together.
                        vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions(),
                                new io.vertx.core.http.PoolOptions().setHttp1MaxSize(1000)), warnings,
                        Tokens.create(vertx, config.auth())));
    }

    public int port() {
        return application.port();
    }

    /** {@code Bearer <token>} of an agent: what requests carry unless they set Authorization or Cookie. */
    public String agentAuthorization() {
        return "Bearer " + tokens.sign("agent", null, "test-agent", 3600);
    }

    /** {@code Bearer <token>} of the customer of one session. */
    public String customerAuthorization(int chatSessionId) {
        return "Bearer " + tokens.sign("customer", chatSessionId, "visitor", 3600);
    }

    public Vertx vertx() {
        return context.owner();
    }

    public Tokens tokens() {
        return tokens;
    }

    public Application application() {
        return application;
    }

    public ParkedPolls longPoll() {
        return application.longPoll();
    }

    /**
     * Completes once at least {@code count} requests are parked (checked every few milliseconds on
     * the event loop); fails after 10 s. Parking is internal state no response reveals, so the test
     * watches the registry's counter instead of sleeping.
     */
    public Future<Void> awaitParked(int count) {
        return awaitCondition(() -> longPoll().parked() >= count, "parked >= " + count);
    }

    /** As {@link #awaitParked}, for exactly {@code count}. */
    public Future<Void> awaitParkedExactly(int count) {
        return awaitCondition(() -> longPoll().parked() == count, "parked == " + count);
    }

    /** Completes once {@code condition} holds (checked every few milliseconds on the event loop); fails after 10 s. */
    public Future<Void> awaitCondition(java.util.function.BooleanSupplier condition, String what) {
        Promise<Void> done = Promise.promise();
        long deadline = System.nanoTime() + 10_000_000_000L;
        context.runOnContext(v -> check(condition, what, deadline, done));
        return done.future();
    }

    private void check(java.util.function.BooleanSupplier condition, String what, long deadline, Promise<Void> done) {
        if (condition.getAsBoolean()) {
            done.complete();
        } else if (System.nanoTime() > deadline) {
            done.fail(new AssertionError("timed out waiting for " + what + " (parked " + longPoll().parked() + ")"));
        } else {
            context.owner().setTimer(5, id -> check(condition, what, deadline, done));
        }
    }

    public Future<Response> post(String path, String json, String... headerPairs) {
        String[] headers = java.util.Arrays.copyOf(headerPairs, headerPairs.length + 2);
        headers[headerPairs.length] = "Content-Type";
        headers[headerPairs.length + 1] = "application/json";
        return request(HttpMethod.POST, path, Buffer.buffer(json), headers);
    }

    public Future<Response> get(String path, String... headerPairs) {
        return request(HttpMethod.GET, path, null, headerPairs);
    }

    /**
     * Sends a request; {@code headerPairs} alternate names and values (a null value leaves the header
     * out: {@code "Authorization", null} sends no credentials). Without Authorization or Cookie among
     * them, the request carries {@link #agentAuthorization()}. The exchange runs on a Vert.x
     * context even when called from the test thread: reading the body from another thread races
     * with its arrival.
     */
    public Future<Response> request(HttpMethod method, String path, Buffer body, String... headerPairs) {
        Promise<Response> result = Promise.promise();
        context.runOnContext(v -> exchange(method, path, body, headerPairs).onComplete(result));
        return result.future();
    }

    private Future<Response> exchange(HttpMethod method, String path, Buffer body, String... headerPairs) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setHost("127.0.0.1")
                .setPort(port())
                .setURI(path);
        boolean credentials = false;
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            credentials |= headerPairs[i].equalsIgnoreCase("Authorization") || headerPairs[i].equalsIgnoreCase("Cookie");
            if (headerPairs[i + 1] != null) {
                options.addHeader(headerPairs[i], headerPairs[i + 1]);
            }
        }
        if (!credentials) {
            options.addHeader("Authorization", agentAuthorization());
        }
        return client.request(options)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b)));
    }

    public Future<Void> stop() {
        ((Logger) LoggerFactory.getLogger(BLOCKED_THREAD_LOGGER)).detachAppender(blockedThreadWarnings);
        return client.close()
                .compose(v -> application.stop())
                .compose(v -> blockedThreadWarnings.list.isEmpty()
                        ? Future.succeededFuture()
                        : Future.failedFuture(new AssertionError("Vert.x reported a blocked thread: "
                                + blockedThreadWarnings.list.get(0).getFormattedMessage())));
    }

    /** A complete HTTP response. */
    public record Response(int status, MultiMap headers, Buffer body) {

        public io.vertx.core.json.JsonObject json() {
            return body.toJsonObject();
        }

        public io.vertx.core.json.JsonArray jsonArray() {
            return body.toJsonArray();
        }

        public String header(String name) {
            return headers.get(name);
        }
    }

    /** The path of a poll for the session's messages after {@code after}, waiting at most {@code waitSeconds}. */
    public static String messagesAfter(int session, int after, int waitSeconds) {
        return "/api/v1/ChatSession/" + session + "/Messages?after=" + after + "&wait=" + waitSeconds;
    }

    /** The ChatMessageIds of a JSON array of messages, in its order. */
    public static List<Integer> ids(JsonArray messages) {
        List<Integer> ids = new ArrayList<>();
        messages.forEach(m -> ids.add(((JsonObject) m).getInteger("ChatMessageId")));
        return ids;
    }
}
