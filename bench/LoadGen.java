// The benchmark harness's load generator: a separate JVM driving chat-api (or nchan) over loopback
// with Vert.x's HttpClient. bench/run.sh compiles it against the project's classpath and runs it as
//   java -cp <classpath>:target/classes:target/bench/classes LoadGen <mode> [--key value ...]
// Modes (every figure is printed as "RESULT key=value ..." lines that run.sh collects):
//   park    hold N long-polls open; report how many were held without an error (P1, P2)
//   wake    N pollers on N sessions run the widget loop while a writer commits messages at a rate;
//           report wake latency from the writer's commit to the poller's receipt (P3)
//   fanout  N waiters on one session, one message; report the time until the last has it (P4). With --pair-port,
//           the rounds alternate between chat-api (--port) and nchan (--pair-port) in this one generator, so that
//           both peers meet the same machine: a RESULT line for each
//   streams N event streams (chat-api's SSE, or nchan's EventSource subscribers) over S sessions: held open
//           (the harness measures memory), then rounds of one message to the first session (fan-out: the
//           time until the last stream has it), then messages at a rate to random sessions (wake latency)
//   chat    the chat workload (C1): S sessions, each with a customer's and an agent's long-poll loop (or event
//           stream, --transport sse), writers POSTing over HTTP to random sessions at stepped rates; per step the
//           delivery latency (POST sent -> both sides have it), lost, duplicated, out of order, and CPU seconds per
//           1,000 delivered messages of the server (--server-pid) and of PostgreSQL (every postgres process)
//   sql     print the server's own statements (for pgbench: P6, P7)
//   tokens  print a Lua table of each session's customer token (wrk's posts: P7)
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public class LoadGen {

    static Map<String, String> args = new HashMap<>();
    static String mode;

    public static void main(String[] argv) throws Exception {
        mode = argv[0];
        for (int i = 1; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        target = arg("target", "chat");
        try {
            switch (argv[0]) {
                case "park" -> park();
                case "wake" -> wake();
                case "fanout" -> fanout();
                case "streams" -> streams();
                case "chat" -> chat();
                case "sql" -> sql();
                case "tokens" -> tokens();
                default -> throw new IllegalArgumentException("unknown mode " + argv[0]);
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1); // Vert.x threads would keep the JVM alive
        }
        System.exit(0);
    }

    static String arg(String key, String fallback) {
        return args.getOrDefault(key, fallback);
    }

    static int num(String key, int fallback) {
        return Integer.parseInt(arg(key, Integer.toString(fallback)));
    }

    static Vertx vertx() {
        return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    }

    static HttpClient client(Vertx vertx, int connections) {
        return client(vertx, connections, num("port", 8080));
    }

    static HttpClient client(Vertx vertx, int connections, int port) {
        return vertx.createHttpClient(new HttpClientOptions().setDefaultHost(arg("host", "127.0.0.1"))
                .setDefaultPort(port).setKeepAlive(true).setIdleTimeout(0)
                // Vert.x's client sends Accept-Encoding itself when it decompresses: only with --accept-encoding.
                .setDecompressionSupported(!arg("accept-encoding", "gzip, deflate, br").isEmpty())
                .setConnectTimeout(30_000), new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    /** The peer driven: "chat" or "nchan" (--target; the paired fan-out switches it between its rounds). */
    static volatile String target = "chat";

    /** Target-specific parts: chat-api's Messages route, or nchan's long-poll subscriber. */
    static boolean nchan() {
        return target.equals("nchan");
    }

    static final Map<String, String> TOKENS = new ConcurrentHashMap<>();
    /** Streams share sessions (many on one): agents' tokens, as for fanout. */
    static volatile boolean sharedSessions;

    /**
     * The credential a poll carries, as the server ships (a customer parks at most 10 polls, an agent 500):
     * with --jwt-secret, each session's own customer token, as widgets hold them; for fanout (many waiters on
     * one session, an agents' console shape) an agent token per 400 waiters. Without it, --token for all.
     */
    static String authorization(int session, int index) {
        String secret = arg("jwt-secret", "");
        if (secret.isEmpty()) {
            return "Bearer " + arg("token", "");
        }
        String key = mode.equals("fanout") || sharedSessions ? "agent-" + index / 400 : "customer-" + session;
        return TOKENS.computeIfAbsent(key, k -> "Bearer " + jwt(secret, k.startsWith("agent")
                ? new JsonObject().put("role", "agent").put("sub", "bench-" + k)
                : new JsonObject().put("role", "customer").put("chatSessionId", session).put("sub", "bench")));
    }

    /** An HS256 JWT of the claims, valid for two hours, signed as chat-api's token command signs. */
    static String jwt(String secret, JsonObject claims) {
        try {
            java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
            String head = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String body = b64.encodeToString(claims.put("exp", System.currentTimeMillis() / 1000 + 7200).encode()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] signature = mac.doFinal((head + "." + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return head + "." + body + "." + b64.encodeToString(signature);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static RequestOptions poll(int session, int index, long after, int waitSeconds, Map<String, String> nchanState) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setTimeout(0);
        if (nchan()) {
            o.setURI("/sub/s" + session);
            if (nchanState != null && nchanState.get("lm") != null) {
                o.addHeader("If-Modified-Since", nchanState.get("lm")).addHeader("If-None-Match", nchanState.get("etag"));
            }
        } else {
            o.setURI("/api/v1/ChatSession/" + session + "/Messages?after=" + after + "&wait=" + waitSeconds)
                    .addHeader("Authorization", authorization(session, index));
            String encodings = arg("accept-encoding", "gzip, deflate, br"); // what a browser's widget sends
            if (!encodings.isEmpty()) {
                o.addHeader("Accept-Encoding", encodings);
            }
        }
        return o;
    }

    record Answer(int status, Buffer body, String lastModified, String etag) {
    }

    static Future<Answer> send(HttpClient client, RequestOptions options) {
        return client.request(options).compose(req -> req.send().compose(resp -> resp.body()
                .map(body -> new Answer(resp.statusCode(), body, resp.getHeader("Last-Modified"), resp.getHeader("Etag")))));
    }

    /** Waits until the server reports at least n parked requests (chat: /health/ready; nchan: stub status). */
    static void awaitParked(Vertx vertx, HttpClient client, int n, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        int last = -1;
        while (System.currentTimeMillis() < deadline) {
            RequestOptions o = new RequestOptions().setURI(nchan() ? "/nchan_status" : "/health/ready");
            try {
                Answer a = send(client, o).await(5, TimeUnit.SECONDS);
                int parked = nchan() ? stubSubscribers(a.body().toString())
                        : a.body().toJsonObject().getInteger("parked", 0);
                if (parked >= n) {
                    return;
                }
                last = parked;
            } catch (Exception e) {
                // not yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the server never reported " + n + " parked requests (last seen: " + last + ")");
    }

    static int stubSubscribers(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("subscribers:")) {
                return Integer.parseInt(line.substring("subscribers:".length()).trim());
            }
        }
        return 0;
    }

    // --- park (P1, P2) -------------------------------------------------------------------------------

    static void park() throws Exception {
        int n = num("n", 1000);
        int sessions = num("sessions", n);
        int firstSession = num("first-session", 1);
        long after = Long.parseLong(arg("after", "2000000000"));
        Vertx vertx = vertx();
        HttpClient client = client(vertx, n + 8);
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger early = new AtomicInteger();
        long started = System.nanoTime();
        List<Future<Answer>> polls = new ArrayList<>(n);
        CountDownLatch sent = new CountDownLatch(1);
        // New polls arrive at --park-rate per second (default 2,000), as widgets do, rather than all in one burst:
        // a burst of thousands of connects makes some requests wait in the generator longer than the server's
        // read timeout (httpReadTimeoutSeconds), which then rightly closes those connections.
        int perTick = Math.max(1, num("park-rate", 2000) / 100);
        vertx.runOnContext(v -> vertx.setPeriodic(10, timer -> {
            for (int k = 0; k < perTick && polls.size() < n; k++) {
                int i = polls.size();
                polls.add(send(client, poll(firstSession + i % sessions, i, after, 120, null))
                        .onSuccess(a -> early.incrementAndGet())
                        .onFailure(err -> errors.incrementAndGet()));
            }
            if (polls.size() >= n) {
                vertx.cancelTimer(timer);
                sent.countDown();
            }
        }));
        sent.await();
        HttpClient probe = client(vertx, 2);
        try {
            awaitParked(vertx, probe, n, 120_000);
        } catch (IllegalStateException e) {
            if (!nchan()) { // what the server's pool and long-poll meters said then (P1 at 19,000 failed this way)
                try {
                    String metrics = send(probe, new RequestOptions().setURI("/metrics")).await(5, TimeUnit.SECONDS)
                            .body().toString();
                    metrics.lines().filter(l -> l.startsWith("vertx_pool") || l.startsWith("chat_longpoll")
                            || l.startsWith("vertx_http_server_active")).forEach(l -> System.out.println("METRIC " + l));
                } catch (Exception unavailable) {
                    System.out.println("METRIC unavailable: " + unavailable);
                }
            }
            System.out.println("RESULT mode=park target=" + target + " n=" + n + " held=0 errors="
                    + errors.get() + " answered_early=" + early.get() + " failed: " + e.getMessage());
            throw e;
        }
        long parkedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println("PARKED " + n + " in " + parkedMs + " ms");
        System.out.flush();
        Thread.sleep(num("hold", 5) * 1000L);
        System.out.println("RESULT mode=park target=" + target + " n=" + n + " held="
                + (n - errors.get() - early.get()) + " errors=" + errors.get() + " answered_early=" + early.get()
                + " park_ms=" + parkedMs);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    // --- wake (P3) -----------------------------------------------------------------------------------

    static void wake() throws Exception {
        int n = num("n", 1000);
        int firstSession = num("first-session", 1);
        int rate = num("rate", 200);
        int seconds = num("seconds", 10);
        int warmup = num("warmup", 0); // seconds of writes first, not measured: the server's JIT warms up
        long after = Long.parseLong(arg("after", "0"));
        Vertx vertx = vertx();
        HttpClient client = client(vertx, n + 8);
        Map<String, Long> receivedAt = new ConcurrentHashMap<>();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong received = new AtomicLong();
        boolean[] running = {true};
        vertx.runOnContext(v -> {
            for (int i = 0; i < n; i++) {
                loop(client, firstSession + i, after, new HashMap<>(), receivedAt, received, errors, running);
            }
        });
        awaitParked(vertx, client(vertx, 2), n, 120_000);
        System.out.println("PARKED " + n);
        Writer writer = new Writer(vertx);
        writeAtRate(vertx, writer, rate, rate * warmup, () -> firstSession + ThreadLocalRandom.current().nextInt(n),
                new AtomicInteger());
        Map<String, Long> committedAt = writeAtRate(vertx, writer, rate, rate * seconds,
                () -> firstSession + ThreadLocalRandom.current().nextInt(n), errors);
        // Wait for the measured messages themselves: receivedAt also holds the warm-up's, so comparing sizes
        // would stop early and count the last messages, still on their way, as missing.
        Delivered delivered = delivered(committedAt, receivedAt);
        running[0] = false;
        List<Long> latencies = delivered.latencies();
        int missing = delivered.missing();
        System.out.println("RESULT mode=wake target=" + target + " n=" + n + " rate=" + rate
                + " messages=" + committedAt.size() + " received=" + latencies.size() + " missing=" + missing
                + " errors=" + errors.get() + " p50_ms=" + ms(pct(latencies, 0.50)) + " p99_ms=" + ms(pct(latencies, 0.99))
                + " max_ms=" + ms(latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1)));
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /**
     * Commits {@code total} messages at {@code rate} per second, each to the session {@code session} picks; when each
     * counted as committed, by its key (failures counted in {@code errors}).
     */
    static Map<String, Long> writeAtRate(Vertx vertx, Writer writer, int rate, int total,
            java.util.function.IntSupplier session, AtomicInteger errors) throws InterruptedException {
        Map<String, Long> committedAt = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(total);
        paced(rate, total, i -> {
            int target = session.getAsInt();
            vertx.runOnContext(v -> writer.write(target).onComplete(ar -> {
                if (ar.succeeded()) {
                    committedAt.put(ar.result().key(), ar.result().nanos());
                } else {
                    errors.incrementAndGet();
                }
                done.countDown();
            }));
        });
        done.await(60, TimeUnit.SECONDS);
        return committedAt;
    }

    /** Calls {@code send} {@code total} times, the i-th at i / {@code rate} seconds from now (late ones at once). */
    static void paced(int rate, int total, java.util.function.IntConsumer send) throws InterruptedException {
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long wait = start + i * interval - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            send.accept(i);
        }
    }

    /** The latencies (sorted) from commit to receipt, and how many committed messages never arrived. */
    record Delivered(List<Long> latencies, int missing) {
    }

    /** Waits (at most 10 s) until every committed message was received, then measures. */
    static Delivered delivered(Map<String, Long> committedAt, Map<String, Long> receivedAt) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!receivedAt.keySet().containsAll(committedAt.keySet()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        List<Long> latencies = new ArrayList<>();
        int missing = 0;
        for (Map.Entry<String, Long> e : committedAt.entrySet()) {
            Long got = receivedAt.get(e.getKey());
            if (got == null) {
                missing++;
            } else {
                latencies.add(Math.max(0, got - e.getValue()));
            }
        }
        latencies.sort(null);
        return new Delivered(latencies, missing);
    }

    /** The widget loop: poll after the last id seen; note when each message id arrives. */
    static void loop(HttpClient client, int session, long after, Map<String, String> nchanState,
            Map<String, Long> receivedAt, AtomicLong received, AtomicInteger errors, boolean[] running) {
        if (!running[0]) {
            return;
        }
        send(client, poll(session, 0, after, 60, nchanState)).onComplete(ar -> {
            long now = System.nanoTime();
            long next = after;
            if (ar.failed() || (ar.result().status() != 200 && ar.result().status() != 304)) {
                if (running[0]) {
                    errors.incrementAndGet();
                }
            } else if (nchan()) {
                nchanState.put("lm", ar.result().lastModified());
                nchanState.put("etag", ar.result().etag());
                receivedAt.putIfAbsent(ar.result().body().toString().trim(), now);
                received.incrementAndGet();
            } else {
                for (Object m : ar.result().body().toJsonArray()) {
                    String id = Integer.toString(((JsonObject) m).getInteger("ChatMessageId"));
                    receivedAt.putIfAbsent(id, now);
                    received.incrementAndGet();
                    next = Math.max(next, ((JsonObject) m).getInteger("ChatMessageId"));
                }
            }
            loop(client, session, next, nchanState, receivedAt, received, errors, running);
        });
    }

    /** A written message: its key (chat: the ChatMessageId) and when it counts as committed. */
    record Commit(String key, long nanos) {
    }

    /**
     * Commits one message: an INSERT into chat-api's table (committed when PostgreSQL answers), or a
     * publish to nchan (counted from when the publish is sent: nchan answers the publisher after it
     * has already written to its subscribers, so its answer would come too late).
     */
    static final class Writer {
        final Vertx vertx;
        final SqlClient sql;
        final HttpClient http;
        final AtomicLong seq = new AtomicLong();

        Writer(Vertx vertx) {
            this(vertx, num("port", 8080));
        }

        /** A writer to the current target; nchan's publisher at {@code port}. */
        Writer(Vertx vertx, int port) {
            this.vertx = vertx;
            if (nchan()) {
                sql = null;
                http = client(vertx, 16, port);
            } else {
                sql = PgBuilder.client().connectingTo(new PgConnectOptions().setHost(arg("pghost", "127.0.0.1"))
                        .setPort(num("pgport", 5432)).setDatabase(arg("pgdatabase", "chat_bench"))
                        .setUser(arg("pguser", "postgres"))).using(vertx).build();
                http = null;
            }
        }

        Future<Commit> write(int session) {
            if (http != null) {
                String key = "m" + seq.incrementAndGet();
                long sent = System.nanoTime();
                return http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/pub/s" + session))
                        .compose(req -> req.send(key))
                        .compose(resp -> resp.body().map(b -> new Commit(key, sent))); // subscribers get the key
            }
            return sql.preparedQuery("INSERT INTO chat_message (chat_session_id, message, type, author)"
                            + " VALUES ($1, $2, 'ToCustomer', 'bench') RETURNING chat_message_id")
                    .execute(Tuple.of(session, "bench message"))
                    .map(rows -> new Commit(Integer.toString(rows.iterator().next().getInteger(0)), System.nanoTime()));
        }
    }

    // --- fanout (P4) ---------------------------------------------------------------------------------

    /** One peer of the fan-out: its connections, its writer, and what its measured rounds gave. */
    static final class FanSide {
        final String name;
        final HttpClient client;
        final HttpClient probe;
        final Writer writer;
        final int serverPid;
        final List<Long> lasts = new ArrayList<>();
        long after;
        long serverTicks;
        long generatorTicks;
        /** Why its rounds stopped (a round failed); null while they go on. */
        String failed;

        FanSide(String name, Vertx vertx, int n, int port, int serverPid, long after) {
            this.name = name;
            target = name;
            this.client = client(vertx, n + 8, port);
            this.probe = client(vertx, 2, port);
            this.writer = new Writer(vertx, port);
            this.serverPid = serverPid;
            this.after = after;
        }
    }

    static void fanout() throws Exception {
        int n = num("n", 1000);
        int rounds = num("rounds", 3);
        int warmupRounds = num("warmup-rounds", 0); // first, not counted: both sides' JIT warms up
        Vertx vertx = vertx();
        List<FanSide> sides = new ArrayList<>();
        // --server-pid: the server's CPU over the measured rounds (parking and answering)
        sides.add(new FanSide(target, vertx, n, num("port", 8080), num("server-pid", -1),
                Long.parseLong(arg("after", "2000000000"))));
        if (num("pair-port", -1) > 0) { // nchan, round for round with chat-api
            sides.add(new FanSide("nchan", vertx, n, num("pair-port", -1), num("pair-server-pid", -1), 0));
        }
        int self = (int) ProcessHandle.current().pid();
        for (int round = 0; round < warmupRounds + rounds; round++) {
            for (int i = 0; i < sides.size(); i++) {
                FanSide side = sides.get((round + i) % sides.size()); // each peer goes first every other round
                if (side.failed != null) {
                    continue;
                }
                target = side.name;
                long server = side.serverPid > 0 ? cpuTicks(side.serverPid) : 0;
                long generator = cpuTicks(self);
                long lastMs;
                try {
                    lastMs = fanoutRound(vertx, side, n, round);
                } catch (Exception e) { // this peer's rounds end here; the other's go on
                    side.failed = e.toString().replace(' ', '_');
                    System.out.println("ROUND " + round + " target=" + side.name + " failed: " + e);
                    continue;
                }
                if (round >= warmupRounds) {
                    side.lasts.add(lastMs);
                    side.serverTicks += side.serverPid > 0 ? cpuTicks(side.serverPid) - server : 0;
                    side.generatorTicks += cpuTicks(self) - generator;
                }
                System.out.println("ROUND " + round + (round < warmupRounds ? " (warm-up)" : "") + " target=" + side.name
                        + " last_ms=" + ms(lastMs));
                Thread.sleep(500);
            }
        }
        for (FanSide side : sides) {
            if (side.failed != null || side.lasts.isEmpty()) {
                System.out.println("RESULT mode=fanout target=" + side.name + " n=" + n + " failed=" + side.failed);
                continue;
            }
            // Ticks are 10 ms: per 1,000 polls, each parked and answered, over all measured rounds.
            String cpu = side.serverPid > 0 ? " server_cpu_ms_per_1000="
                    + String.format("%.1f", side.serverTicks * 10.0 * 1000 / ((long) n * rounds)) : "";
            List<Long> lasts = new ArrayList<>(side.lasts);
            lasts.sort(null);
            System.out.println("RESULT mode=fanout target=" + side.name + " n=" + n + " rounds=" + rounds
                    + " best_ms=" + ms(lasts.get(0)) + " median_ms=" + ms(lasts.get(lasts.size() / 2))
                    + " worst_ms=" + ms(lasts.get(lasts.size() - 1)) + cpu
                    + String.format(" generator_cpu_s=%.2f", side.generatorTicks / 100.0));
        }
        if (sides.size() == 2 && sides.stream().allMatch(side -> side.lasts.size() == rounds)) {
            // the rounds' own ratios: each pair of rounds ran back to back
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                ratios.add((double) sides.get(0).lasts.get(r) / Math.max(1, sides.get(1).lasts.get(r)));
            }
            ratios.sort(null);
            System.out.println("RESULT mode=fanout-pairs n=" + n + String.format(" median_ratio=%.2f min_ratio=%.2f max_ratio=%.2f",
                    ratios.get(ratios.size() / 2), ratios.get(0), ratios.get(ratios.size() - 1)));
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** One round: n waiters parked on the side's session (nchan: a fresh channel), one message; nanos to the last. */
    static long fanoutRound(Vertx vertx, FanSide side, int n, int round) throws Exception {
        AtomicInteger answered = new AtomicInteger();
        AtomicLong last = new AtomicLong();
        CountDownLatch all = new CountDownLatch(n);
        long roundAfter = side.after;
        // nchan hands a channel's stored message to new subscribers at once: a fresh channel per round (and per
        // run: --channel-base differs between runs against one nchan).
        int session = nchan() ? num("channel-base", 1_000_000) + round : num("session", 1);
        vertx.runOnContext(v -> {
            for (int i = 0; i < n; i++) {
                send(side.client, poll(session, i, roundAfter, 60, null)).onComplete(ar -> {
                    if (ar.succeeded() && ar.result().status() == 200) {
                        answered.incrementAndGet();
                    }
                    last.accumulateAndGet(System.nanoTime(), Math::max);
                    all.countDown();
                });
            }
        });
        awaitParked(vertx, side.probe, n, 60_000);
        Promise<Long> committed = Promise.promise();
        vertx.runOnContext(v -> side.writer.write(session).onComplete(ar -> committed.complete(
                ar.succeeded() ? ar.result().nanos() : System.nanoTime())));
        long commit = committed.future().await(10, TimeUnit.SECONDS);
        if (!all.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not every waiter was answered (" + side.name + ")");
        }
        if (answered.get() != n) {
            throw new IllegalStateException((n - answered.get()) + " waiters were not answered with 200 (" + side.name + ")");
        }
        if (!nchan()) {
            side.after = lastId(side.writer);
        }
        return Math.max(0, last.get() - commit);
    }

    static long lastId(Writer writer) throws Exception {
        return writer.sql.query("SELECT max(chat_message_id) FROM chat_message").execute()
                .map(rows -> rows.iterator().next().getLong(0)).await(10, TimeUnit.SECONDS);
    }

    // --- streams (S1-S3) -----------------------------------------------------------------------------

    /** A line of an event stream, with when its chunk arrived. */
    interface Line {
        void accept(String line, long now);
    }

    /**
     * Opens an event stream of the session (chat-api's messages after {@code after}, as {@code authorization}; nchan's
     * EventSource subscriber) and hands each of its lines to {@code lines}; counts it in {@code open}, or a failure.
     */
    static void openStream(HttpClient client, int session, long after, String authorization, AtomicInteger open,
            AtomicInteger errors, Line lines) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setTimeout(0)
                .addHeader("Accept", "text/event-stream");
        if (nchan()) {
            o.setURI("/ev/s" + session);
        } else {
            o.setURI("/api/v1/ChatSession/" + session + "/Messages?after=" + after)
                    .addHeader("Authorization", authorization);
        }
        StringBuilder partial = new StringBuilder();
        client.request(o).compose(req -> req.send()).onSuccess(resp -> {
            if (resp.statusCode() != 200) {
                errors.incrementAndGet();
                return;
            }
            open.incrementAndGet();
            resp.handler(chunk -> {
                long now = System.nanoTime();
                partial.append(chunk.toString(java.nio.charset.StandardCharsets.UTF_8));
                int end;
                while ((end = partial.indexOf("\n")) >= 0) {
                    String line = partial.substring(0, end);
                    partial.delete(0, end + 1);
                    lines.accept(line, now);
                }
            });
            resp.exceptionHandler(e -> errors.incrementAndGet());
        }).onFailure(e -> errors.incrementAndGet());
    }

    static void streams() throws Exception {
        int n = num("n", 1000);
        int sessions = num("sessions", 1);
        int firstSession = num("first-session", 1);
        long after = Long.parseLong(arg("after", "2000000000"));
        sharedSessions = sessions < n;
        Vertx vertx = vertx();
        HttpClient client = client(vertx, n + 8);
        Map<String, Long> lastReceived = new ConcurrentHashMap<>();
        AtomicLong deliveries = new AtomicLong();
        AtomicInteger open = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        int perTick = Math.max(1, num("open-rate", 2000) / 100);
        int[] opened = {0};
        long started = System.nanoTime();
        vertx.runOnContext(v -> vertx.setPeriodic(10, timer -> {
            for (int k = 0; k < perTick && opened[0] < n; k++) {
                int session = firstSession + opened[0] % sessions;
                String auth = nchan() ? null : authorization(session, opened[0]);
                opened[0]++;
                // The keys of the messages received (chat: the id: line; nchan: data:), and when the last stream had each.
                openStream(client, session, after, auth, open, errors, (line, now) -> {
                    String key = nchan() ? (line.startsWith("data: ") ? line.substring(6) : null)
                            : (line.startsWith("id: ") ? line.substring(4) : null);
                    if (key != null) {
                        lastReceived.merge(key, now, Math::max);
                        deliveries.incrementAndGet();
                    }
                });
            }
            if (opened[0] >= n) {
                vertx.cancelTimer(timer);
            }
        }));
        long deadline = System.currentTimeMillis() + 120_000;
        while (open.get() + errors.get() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        System.out.println("OPEN " + open.get() + " errors=" + errors.get() + " in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
        System.out.flush();
        Thread.sleep(num("hold", 0) * 1000L);
        Writer writer = new Writer(vertx);
        // Fan-out rounds: one message to the first session; the time until the last of its streams has it.
        int streamsOnFirst = (n + sessions - 1) / sessions;
        int rounds = num("rounds", 0);
        int warmupRounds = num("warmup-rounds", 0);
        List<Long> lasts = new ArrayList<>();
        for (int round = 0; round < warmupRounds + rounds; round++) {
            long before = deliveries.get();
            Promise<Commit> committed = Promise.promise();
            vertx.runOnContext(v -> writer.write(firstSession).onComplete(committed));
            Commit commit = committed.future().await(10, TimeUnit.SECONDS);
            long until = System.currentTimeMillis() + 30_000;
            while (deliveries.get() - before < streamsOnFirst && System.currentTimeMillis() < until) {
                Thread.sleep(1);
            }
            Long last = lastReceived.get(commit.key());
            long lastMs = last == null ? -1 : Math.max(0, last - commit.nanos());
            if (round >= warmupRounds) {
                lasts.add(lastMs);
            }
            System.out.println("ROUND " + round + (round < warmupRounds ? " (warm-up)" : "") + " delivered="
                    + (deliveries.get() - before) + " last_ms=" + ms(lastMs));
            Thread.sleep(500);
        }
        if (!lasts.isEmpty()) {
            lasts.sort(null);
            System.out.println("RESULT mode=streams-fanout target=" + target + " n=" + n + " rounds="
                    + rounds + " best_ms=" + ms(lasts.get(0)) + " median_ms=" + ms(lasts.get(lasts.size() / 2))
                    + " worst_ms=" + ms(lasts.get(lasts.size() - 1)) + " errors=" + errors.get());
        }
        // Wake latency: messages at --rate to random sessions; from commit to the stream's receipt (one stream
        // per session: --sessions equal to --n).
        int seconds = num("seconds", 0);
        if (seconds > 0) {
            int rate = num("rate", 200);
            Map<String, Long> committedAt = writeAtRate(vertx, writer, rate, rate * seconds,
                    () -> firstSession + ThreadLocalRandom.current().nextInt(sessions), errors);
            Delivered delivered = delivered(committedAt, lastReceived);
            List<Long> latencies = delivered.latencies();
            int missing = delivered.missing();
            System.out.println("RESULT mode=streams-wake target=" + target + " n=" + n + " rate=" + rate
                    + " messages=" + committedAt.size() + " missing=" + missing + " errors=" + errors.get()
                    + " p50_ms=" + ms(pct(latencies, 0.50)) + " p99_ms=" + ms(pct(latencies, 0.99)));
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    // --- chat (C1) -----------------------------------------------------------------------------------

    /** What the two sides of the chat workload received: per message key, when each side first had it. */
    static final class Receipts {
        final Map<String, long[]> at = new ConcurrentHashMap<>();
        final AtomicLong duplicated = new AtomicLong();
        final AtomicLong outOfOrder = new AtomicLong();

        void got(String key, int side, long now) {
            at.compute(key, (k, sides) -> {
                long[] both = sides != null ? sides : new long[2];
                if (both[side] != 0) {
                    duplicated.incrementAndGet();
                } else {
                    both[side] = now;
                }
                return both;
            });
        }
    }

    /** Side 0 is the session's customer (its own token), side 1 its agent (an agent token per 400 sessions). */
    static String sideAuthorization(int session, int side, int index) {
        if (side == 0) {
            return authorization(session, index);
        }
        String key = "agent-" + index / 400;
        return TOKENS.computeIfAbsent(key, k -> "Bearer " + jwt(arg("jwt-secret", ""),
                new JsonObject().put("role", "agent").put("sub", "bench-" + k)));
    }

    /** The widget's (or the console's) loop on one session: poll after the last id seen, note each bench message. */
    static void chatLoop(Vertx vertx, HttpClient client, int session, int side, int index, long after,
            Map<String, String> nchanState, Receipts receipts, AtomicInteger errors, boolean[] running) {
        if (!running[0]) {
            return;
        }
        RequestOptions o = poll(session, index, after, 60, nchanState);
        if (!nchan()) {
            o.putHeader("Authorization", sideAuthorization(session, side, index));
        }
        send(client, o).onComplete(ar -> {
            long now = System.nanoTime();
            long next = after;
            if (ar.failed() || (ar.result().status() != 200 && ar.result().status() != 304)) {
                if (running[0]) {
                    errors.incrementAndGet();
                    // A refused poll is not retried at once: the loop would spin.
                    vertx.setTimer(100, t -> chatLoop(vertx, client, session, side, index, after, nchanState,
                            receipts, errors, running));
                }
                return;
            }
            if (nchan()) {
                nchanState.put("lm", ar.result().lastModified());
                nchanState.put("etag", ar.result().etag());
                String key = ar.result().body().toString().trim();
                if (key.startsWith("c")) {
                    receipts.got(key, side, now);
                }
            } else if (ar.result().status() == 200) {
                for (Object m : ar.result().body().toJsonArray()) {
                    JsonObject message = (JsonObject) m;
                    int id = message.getInteger("ChatMessageId");
                    if (id <= next) {
                        receipts.outOfOrder.incrementAndGet();
                    }
                    next = Math.max(next, id);
                    String text = message.getString("Message", "");
                    if (text.startsWith("c")) {
                        receipts.got(text, side, now);
                    }
                }
            }
            chatLoop(vertx, client, session, side, index, next, nchanState, receipts, errors, running);
        });
    }

    /** The same side as an event stream: the data: lines' messages (chat: JSON; nchan: the key). */
    static void chatStream(HttpClient client, int session, int side, int index, long after, Receipts receipts,
            AtomicInteger open, AtomicInteger errors) {
        long[] last = {after};
        String auth = nchan() ? null : sideAuthorization(session, side, index);
        openStream(client, session, after, auth, open, errors, (line, now) -> {
            if (!line.startsWith("data: ")) {
                return;
            }
            String data = line.substring(6);
            if (nchan()) {
                if (data.startsWith("c")) {
                    receipts.got(data, side, now);
                }
            } else if (data.startsWith("{")) {
                JsonObject message = new JsonObject(data);
                Integer id = message.getInteger("ChatMessageId");
                if (id != null) {
                    if (id <= last[0]) {
                        receipts.outOfOrder.incrementAndGet();
                    }
                    last[0] = Math.max(last[0], id);
                }
                String text = message.getString("Message", "");
                if (text.startsWith("c")) {
                    receipts.got(text, side, now);
                }
            }
        });
    }

    /** CPU time of a process, or of every process named {@code postgres} (pid 0), in clock ticks (1/100 s). */
    static long cpuTicks(int pid) {
        long ticks = 0;
        java.io.File[] procs = pid > 0 ? new java.io.File[] {new java.io.File("/proc/" + pid)}
                : new java.io.File("/proc").listFiles(f -> f.getName().chars().allMatch(Character::isDigit));
        for (java.io.File proc : procs == null ? new java.io.File[0] : procs) {
            try {
                String stat = java.nio.file.Files.readString(proc.toPath().resolve("stat"));
                int close = stat.lastIndexOf(')');
                if (pid == 0 && !stat.substring(stat.indexOf('(') + 1, close).equals("postgres")) {
                    continue;
                }
                String[] f = stat.substring(close + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
            } catch (java.io.IOException | RuntimeException e) {
                // the process ended meanwhile
            }
        }
        return ticks;
    }

    static void chat() throws Exception {
        int sessions = num("sessions", 5000);
        int first = num("first-session", 3);
        long after = Long.parseLong(arg("after", "0"));
        int seconds = num("seconds", 10);
        boolean sse = arg("transport", "poll").equals("sse");
        double maxP99Ms = Double.parseDouble(arg("max-p99-ms", "50"));
        int serverPid = num("server-pid", 0);
        int[] rates = java.util.Arrays.stream(arg("rates", "100,200,400,800,1600,3200").split(","))
                .mapToInt(Integer::parseInt).toArray();
        Vertx vertx = vertx();
        HttpClient client = client(vertx, 2 * sessions + 8);
        Receipts receipts = new Receipts();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger open = new AtomicInteger();
        boolean[] running = {true};
        // Both sides of every session, arriving at --park-rate per second as widgets and consoles do.
        int perTick = Math.max(1, num("park-rate", 2000) / 100);
        int[] opened = {0};
        vertx.runOnContext(v -> vertx.setPeriodic(10, timer -> {
            for (int k = 0; k < perTick && opened[0] < 2 * sessions; k++) {
                int i = opened[0]++;
                int session = first + i / 2;
                int side = i % 2;
                if (sse) {
                    chatStream(client, session, side, i / 2, after, receipts, open, errors);
                } else {
                    chatLoop(vertx, client, session, side, i / 2, after, new HashMap<>(), receipts, errors, running);
                }
            }
            if (opened[0] >= 2 * sessions) {
                vertx.cancelTimer(timer);
            }
        }));
        if (sse) {
            long deadline = System.currentTimeMillis() + 180_000;
            while (open.get() + errors.get() < 2 * sessions && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
        } else {
            awaitParked(vertx, client(vertx, 2), 2 * sessions, 180_000);
        }
        System.out.println("OPEN " + 2 * sessions + " errors=" + errors.get());
        HttpClient writer = client(vertx, num("writers", 64));
        AtomicLong seq = new AtomicLong();
        int best = 0;
        String stop = "every step passed";
        // Seconds of writes first, not measured, so that both sides' JIT has compiled the paths a step measures: at
        // --warmup-rate (default the first rate). At 100 msg/s, 30 s (3,000 messages) left C2 compiling in the 400 step.
        int warmup = num("warmup", 0);
        int warmupRate = num("warmup-rate", rates[0]);
        int[] steps = warmup > 0 ? java.util.stream.IntStream.concat(java.util.stream.IntStream.of(-warmupRate),
                java.util.Arrays.stream(rates)).toArray() : rates;
        for (int step : steps) {
            int rate = Math.abs(step);
            boolean measured = step > 0;
            long jvm0 = serverPid > 0 ? cpuTicks(serverPid) : 0;
            long pg0 = cpuTicks(0);
            long gen0 = cpuTicks((int) ProcessHandle.current().pid());
            long dup0 = receipts.duplicated.get();
            long order0 = receipts.outOfOrder.get();
            int loopErrors0 = errors.get();
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            AtomicInteger postErrors = new AtomicInteger();
            int total = rate * (measured ? seconds : warmup);
            CountDownLatch done = new CountDownLatch(total);
            paced(rate, total, i -> {
                int session = first + ThreadLocalRandom.current().nextInt(sessions);
                long n = seq.incrementAndGet();
                String key = "c" + n;
                // Customers and agents take turns (an agent token per 256 sessions: below the agents' post rate).
                String auth = nchan() ? null
                        : n % 2 == 0 ? authorization(session, 0) : sideAuthorization(session, 1, session % 256 * 400);
                sentAt.put(key, System.nanoTime());
                vertx.runOnContext(v -> {
                    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setTimeout(30_000);
                    if (nchan()) {
                        o.setURI("/pub/s" + session);
                    } else {
                        o.setURI("/api/v1/ChatSession/" + session + "/Messages").addHeader("Authorization", auth)
                                .addHeader("Content-Type", "application/json");
                    }
                    String body = nchan() ? key : "{\"Message\":\"" + key + "\"}";
                    writer.request(o).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode()))
                            .onComplete(ar -> {
                                if (ar.failed() || ar.result() >= 300) {
                                    if (postErrors.incrementAndGet() <= 5) { // say what went wrong, not only how often
                                        System.err.println("POST to session " + session + " failed: "
                                                + (ar.failed() ? ar.cause() : "status " + ar.result()));
                                    }
                                    sentAt.remove(key);
                                }
                                done.countDown();
                            });
                });
            });
            done.await(60, TimeUnit.SECONDS);
            long deadline = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < deadline && !sentAt.keySet().stream().allMatch(k -> {
                long[] both = receipts.at.get(k);
                return both != null && both[0] != 0 && both[1] != 0;
            })) {
                Thread.sleep(20);
            }
            if (!measured) {
                System.out.println("WARMED UP at " + rate + " msg/s for " + warmup + " s");
                continue;
            }
            long jvm = serverPid > 0 ? cpuTicks(serverPid) - jvm0 : 0;
            long pg = cpuTicks(0) - pg0;
            long gen = cpuTicks((int) ProcessHandle.current().pid()) - gen0;
            List<Long> latencies = new ArrayList<>();
            int lost = 0;
            for (Map.Entry<String, Long> e : sentAt.entrySet()) {
                long[] both = receipts.at.get(e.getKey());
                if (both == null || both[0] == 0 || both[1] == 0) {
                    lost++;
                } else {
                    latencies.add(Math.max(both[0], both[1]) - e.getValue());
                }
            }
            latencies.sort(null);
            long dup = receipts.duplicated.get() - dup0;
            long order = receipts.outOfOrder.get() - order0;
            int delivered = latencies.size();
            double p99 = pct(latencies, 0.99) / 1e6;
            String perK = delivered == 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.3f/%.3f/%.3f",
                    jvm / 100.0 * 1000 / delivered, pg / 100.0 * 1000 / delivered, gen / 100.0 * 1000 / delivered);
            System.out.println("STEP rate=" + rate + " sent=" + (total - postErrors.get()) + " delivered=" + delivered
                    + " lost=" + lost + " duplicated=" + dup + " out_of_order=" + order + " post_errors=" + postErrors.get()
                    + " loop_errors=" + (errors.get() - loopErrors0) + " p50_ms=" + ms(pct(latencies, 0.50))
                    + " p99_ms=" + ms(pct(latencies, 0.99)) + " cpu_s_per_1000_server/pg/generator=" + perK);
            System.out.flush();
            if (p99 > maxP99Ms || lost > 0 || dup > 0 || order > 0 || postErrors.get() > 0 || delivered == 0) {
                stop = "stopped at " + rate + " msg/s";
                break;
            }
            best = rate;
        }
        running[0] = false;
        System.out.println("RESULT mode=chat target=" + target + " transport=" + (sse ? "sse" : "poll")
                + " sessions=" + sessions + " best_rate=" + best + " (" + stop + ")");
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    // --- sql (P6, P7) --------------------------------------------------------------------------------

    static void sql() throws Exception {
        Class<?> sessions = Class.forName("chatapi.session.SessionStore");
        Class<?> messages = Class.forName("chatapi.message.MessageStore");
        Class<?> select = Class.forName("chatapi.carrier.Select");
        var statement = sessions.getDeclaredMethod("sessionStatement", select);
        statement.setAccessible(true);
        Object all = select.getField("ALL").get(null);
        String which = arg("statement", "session");
        String text = switch (which) {
            case "session" -> (String) statement.invoke(null, all);
            case "messages" -> field(messages, "SELECT_MESSAGES_AFTER");
            case "insert" -> field(messages, "INSERT_MESSAGE");
            case "notify" -> field(Class.forName("chatapi.message.CommitNotifier"), "NOTIFY");
            default -> throw new IllegalArgumentException(which);
        };
        System.out.println(text);
    }

    /** {@code tokens[id] = "Bearer …"} for sessions --first to --last: wrk posts as each session's customer. */
    static void tokens() {
        StringBuilder lua = new StringBuilder("tokens = {}\n");
        for (int session = num("first", 3); session <= num("last", 3); session++) {
            lua.append("tokens[").append(session).append("] = \"").append(authorization(session, 0)).append("\"\n");
        }
        System.out.print(lua);
    }

    static String field(Class<?> type, String name) throws Exception {
        var f = type.getDeclaredField(name);
        f.setAccessible(true);
        return (String) f.get(null);
    }

    static long pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e6);
    }
}
