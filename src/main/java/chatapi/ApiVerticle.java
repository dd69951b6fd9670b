package chatapi;

import chatapi.agents.AgentRoutes;
import chatapi.agents.ChatAgentHandler;
import chatapi.auth.Security;
import chatapi.config.AppConfig;
import chatapi.db.Database;
import chatapi.http.AccessLog;
import chatapi.http.AppTokens;
import chatapi.http.ClientAddress;
import chatapi.http.ConnectionGuard;
import chatapi.http.CrossSite;
import chatapi.http.Errors;
import chatapi.http.Health;
import chatapi.http.Links;
import chatapi.http.Negotiation;
import chatapi.http.Params;
import chatapi.longpoll.ParkedPolls;
import chatapi.message.CommitNotifier;
import chatapi.message.MessageStore;
import chatapi.message.MessageRoutes;
import chatapi.message.MessagesHandler;
import chatapi.message.PostRate;
import chatapi.ops.JvmMeters;
import chatapi.session.ChatSessionHandler;
import chatapi.session.SessionActions;
import chatapi.session.Ratings;
import chatapi.session.SessionRoutes;
import chatapi.session.SessionStore;
import chatapi.session.TypingRate;
import chatapi.topic.TopicRoutes;
import chatapi.widget.DevStartChat;
import chatapi.widget.WidgetPages;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.SqlClient;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/** The router verticle: builds the pool and the router, and listens. One per event loop (--instances). */
public final class ApiVerticle extends VerticleBase {

    /** How long a stopping server waits for in-flight requests (parked ones are answered first). */
    private static final long SHUTDOWN_GRACE_MS = 3_000;

    /** The OpenAPI 3 document of the whole API, served at /api/v1/openapi.json. */
    static final String OPENAPI = "openapi/openapi.json";

    /** CONTRACT §7: a POST body is at most 64 KiB, else 413. */
    static final long MAX_BODY_BYTES = 64 * 1024;

    /**
     * What the API verticles of a process share: the long-poll registry, the authentication state,
     * the per-app request counts, whether the LISTEN connection is up, and the meters.
     */
    public record Shared(ParkedPolls longPoll, Security.Shared security, AppTokens appTokens, BooleanSupplier listening,
            PrometheusMeterRegistry registry, JvmMeters jvmMeters, ClientAddress clients, PostRate postRate,
            TypingRate typingRate) {

        /** The shared state of a process, its security part built from the configuration. */
        public static Shared create(Vertx vertx, AppConfig config, ParkedPolls longPoll, AppTokens appTokens,
                BooleanSupplier listening, PrometheusMeterRegistry registry) {
            ClientAddress clients = new ClientAddress(config.trustedProxies());
            return new Shared(longPoll, new Security.Shared(vertx, config.auth(), clients, registry), appTokens,
                    listening, registry, new JvmMeters(vertx, registry), clients, new PostRate(config.limits(), registry),
                    new TypingRate(config.live().typingUpdatesPerSecond(), config.live().typingUpdateBurst(),
                            config.live().typingTimeoutSeconds()));
        }
    }

    private final AppConfig config;
    private final Shared shared;
    private final IntConsumer onListening;
    private SqlClient pool;
    private CommitNotifier notifier;
    private HttpServer server;
    private ConnectionGuard guard;
    private final CompletionStage<?> serve;

    /** @param onListening told the port actually bound (the configured one, or a free one for port 0) */
    public ApiVerticle(AppConfig config, Shared shared, IntConsumer onListening) {
        this(config, shared, onListening, java.util.concurrent.CompletableFuture.completedFuture(null));
    }

    /**
     * @param serve completes when the server may accept requests (the schema migrated, the listener subscribed):
     *              the verticle builds its router meanwhile and listens then, or fails with it
     */
    public ApiVerticle(AppConfig config, Shared shared, IntConsumer onListening, CompletionStage<?> serve) {
        this.config = config;
        this.shared = shared;
        this.onListening = onListening;
        this.serve = serve;
    }

    @Override
    public Future<?> start() {
        pool = Database.pool(vertx, config);
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.httpHost())
                .setPort(config.httpPort())
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(16384)
                // HTTP/1.1 only: no sniffing of the first bytes for an HTTP/2 preface, so that a connection is an
                // HTTP connection (and watched by the ConnectionGuard) from its first byte.
                .setHttp2ClearTextEnabled(false)
                // Every request and response is handled on its own event loop (parked answers go through
                // runOnContext), so a connection needs no cross-thread outbound queue: Vert.x otherwise
                // allocates one per connection, about 4 KB of a parked poll's 12.6 KB of heap.
                .setStrictThreadMode(true)
                // No WebSockets: without these, every connection carries the handshakers of WebSocket compression.
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false);
        return vertx.fileSystem().readFile(OPENAPI)
                .map(openApi -> router(pool, openApi))
                // Listens once allowed to serve; meanwhile the pool opens a first connection, so that the first
                // request does not wait for one (its failure is ignored: requests meet the database's state).
                .compose(router -> Future.all(Future.fromCompletionStage(serve, context),
                        pool.query("SELECT 1").execute().otherwiseEmpty()).map(router))
                .compose(router -> vertx.createHttpServer(options)
                        .connectionHandler(guard::connected)
                        .invalidRequestHandler(Errors::invalidRequest)
                        .requestHandler(router)
                        .listen())
                .onSuccess(s -> {
                    server = s;
                    onListening.accept(s.actualPort());
                });
    }

    /** Stops accepting, lets in-flight requests finish (within the grace period), then closes the pool. */
    @Override
    public Future<?> stop() {
        Future<Void> closed = server == null ? Future.succeededFuture()
                : server.shutdown(SHUTDOWN_GRACE_MS, TimeUnit.MILLISECONDS);
        return closed.eventually(() -> notifier == null ? Future.succeededFuture() : notifier.settled(SHUTDOWN_GRACE_MS))
                .eventually(() -> pool.close());
    }

    /**
     * The whole API, and the connection guard whose request hook is its first handler; package-private so
     * that a test can compare its routes with the OpenAPI document.
     */
    Router router(SqlClient pool, Buffer openApi) {
        Router router = Router.router(vertx);
        SessionStore sessions = new SessionStore(pool, config.live().typingTimeoutSeconds());
        notifier = new CommitNotifier(vertx, pool, shared.longPoll());
        MessageStore messages = new MessageStore(pool, config.limits().maxMessagesPerAnswer(), notifier);
        guard = new ConnectionGuard(vertx, config.httpReadTimeoutSeconds(), config.httpIdleTimeoutSeconds());
        router.route().handler(guard::requestStarted);
        router.route().handler(new AccessLog());
        router.route().handler(Params::decodable);
        operationsRoutes(router, pool, openApi);
        WidgetPages.mount(router);
        if (config.devStartChat()) {
            router.post("/dev/StartChat").setName("devStartChat")
                    .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                    .handler(new Negotiation(config.httpCompression()))
                    .handler(new DevStartChat(sessions, shared.security().tokens(),
                            config.auth().ticketTtlSeconds(), shared.clients())::handle);
            TopicRoutes.registerWidgetTopic(router, pool, new Links(config.publicBaseUrl()),
                    new Negotiation(config.httpCompression()));
        }
        apiGate(router, new Security(pool, shared.security()));
        ChatSessionHandler sessionHandler = new ChatSessionHandler(sessions, new Links(config.publicBaseUrl()),
                shared.clients(), shared.typingRate(), shared.longPoll());
        // A request passes every route's pattern before its own (vertx-web matches in order): the busiest first,
        // the long-poll and POST of a session's messages, then the sessions; no two of these paths overlap.
        MessageRoutes.register(router,
                new MessagesHandler(messages, shared.longPoll(), config.longPollTimeoutSeconds()), shared.postRate());
        SessionRoutes.register(router, sessionHandler, new SessionActions(pool, sessions, messages),
                new Ratings(pool));
        TopicRoutes.register(router, pool, new Links(config.publicBaseUrl()));
        AgentRoutes.register(router, new ChatAgentHandler(sessions, messages), sessionHandler, shared.postRate());
        Errors errors = new Errors();
        router.route().failureHandler(errors);
        for (int status : Errors.ROUTER_STATUSES) {
            router.errorHandler(status, errors);
        }
        return router;
    }

    /** Health, metrics and the OpenAPI document: no credentials. */
    private void operationsRoutes(Router router, SqlClient pool, Buffer openApi) {
        Health health = new Health(pool, shared.listening(), shared.longPoll()::parked);
        router.get("/").setName("index").handler(ApiVerticle::index);
        router.get("/health/live").setName("healthLive").handler(health::live);
        router.get("/metrics").setName("metrics").handler(shared.jvmMeters()
                .before(PrometheusScrapingHandler.create(shared.registry())));
        router.get("/api/v1/openapi.json").setName("openApi").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json; charset=utf-8").end(openApi));
        router.get("/health/ready").setName("healthReady").handler(health::ready);
    }

    /** The server's front door: where the API is described (RFC 8631 service-desc), its health and the widget. */
    private static void index(io.vertx.ext.web.RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Link", "</api/v1/openapi.json>; rel=\"service-desc\"")
                .end(INDEX);
    }

    private static final Buffer INDEX = Buffer.buffer("{\"name\":\"chat-api\",\"openapi\":\"/api/v1/openapi.json\","
            + "\"health\":\"/health/ready\",\"widget\":\"/widget/\"}");

    /** What every /api/v1 request passes before its route: body, representation, cross-site check, credentials. */
    private void apiGate(Router router, Security auth) {
        // Bodies are read (bounded) before the asynchronous credential checks, so none is lost.
        router.route("/api/v1/*").method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH)
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        // Representation first, so that every answer below, 401 and 406 included, is in the caller's format.
        router.route("/api/v1/*").handler(new Negotiation(config.httpCompression()));
        // Before credentials are checked: a forged cross-site request costs no password check.
        router.route("/api/v1/*").method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH)
                .method(HttpMethod.DELETE).handler(new CrossSite(config.publicBaseUrl(), config.allowedOrigins(),
                        shared.clients()));
        router.post("/api/v1/Authenticate").setName("authenticate").handler(auth.authenticate()::handle);
        router.route("/api/v1/*").handler(auth.authenticator()).handler(shared.appTokens()::countAuthenticated);
    }
}
