package chatapi.longpoll;

import chatapi.auth.Principal;
import chatapi.http.ApiException;
import chatapi.message.ChatMessage;
import chatapi.message.CommitNotifier;
import chatapi.message.MessageArray;
import chatapi.message.MessageStore;
import chatapi.message.Parking;
import chatapi.session.SessionState;
import chatapi.session.SessionStore;
import chatapi.session.Watching;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where parked requests wait: the {@link ParkedPoll}s grouped by chat session, shared by every
 * verticle instance of the process, and the wake-up that answers them.
 *
 * <p>Parked requests cost no database work. A notification (LISTEN/NOTIFY, see
 * {@link NotificationListener}) names a session; if anyone here waits on it, the session joins
 * the pending set. One query at a time fetches the new messages of every pending session (up to
 * {@link #BATCH} per query), and each waiter gets the messages newer than its own {@code after}.
 * Sessions notified while a query runs are fetched by the next one, so nothing committed after a
 * query's snapshot is missed. The pending set and the query loop live on one context, the
 * listener's ("home"); the groups are concurrent because polls come and go on every
 * event loop.
 */
public final class ParkedPolls implements Parking, Watching, CommitNotifier.Wake {

    static final int BATCH = 500;
    static final int RETRY_AFTER_SECONDS = 2;
    static final long FIRST_RETRY_DELAY_MS = 100;
    static final long MAX_RETRY_DELAY_MS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(ParkedPolls.class);

    private final Groups<Integer, ParkedPoll> waiters = new Groups<>();
    /** The parked polls' timeouts, one set per event loop. */
    private final Map<io.netty.channel.EventLoop, PollTimeouts> loopTimeouts = new ConcurrentHashMap<>();
    private final Groups<Integer, EventStream> streams = new Groups<>();
    private final Groups<Integer, SessionWait> sessionWaits = new Groups<>();
    private final java.util.Set<QueueStream> queues = ConcurrentHashMap.newKeySet();
    /** Parked requests and open streams: what the caps count. */
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger parked = new AtomicInteger();
    private final AtomicInteger streaming = new AtomicInteger();
    private final LongAdder streamsOpened = new LongAdder();
    private final LongAdder parks = new LongAdder();
    private final LongAdder streamed = new LongAdder();
    private final LongAdder wakeups = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder rejections = new LongAdder();
    private final LongAdder wakeQueries = new LongAdder();
    private final LongAdder quietParks = new LongAdder();
    /**
     * Sessions whose messages this instance knows without asking: those that had parked polls when a message came
     * (a wake-up query taught it). Bounded: beyond {@link #MAX_QUIET} it starts over (a query each, as before).
     */
    private final ConcurrentHashMap<Integer, Quiet> quiet = new ConcurrentHashMap<>();
    static final int MAX_QUIET = 50_000;
    private final int maxParked;
    private final int maxPerCustomer;
    private final int maxPerAgent;
    private final long heartbeatMs;
    /** Parked requests per quota key (a customer's session, an agent's name); absent at zero. */
    private final Map<Object, Integer> parkedBy = new ConcurrentHashMap<>();
    private final LongAdder throttled = new LongAdder();
    private volatile boolean draining;

    private final Timer wakeLatency;

    // Confined to the home context. Pending session -> when its earliest unfetched message was written
    // (microseconds since the epoch, 0 when unknown).
    private final Map<Integer, Long> pending = new LinkedHashMap<>();
    private boolean querying;
    private long retryDelayMs;
    private Context home;
    private MessageStore store;
    private SessionStore sessions;
    // Also confined to the home context: session events. The last state read of each session with streams,
    // the sessions whose state is to be read, and the timers that re-read a state when a typing flag expires.
    private final Map<Integer, SessionState> known = new HashMap<>();
    private final java.util.Set<Integer> statePending = new java.util.LinkedHashSet<>();
    private final Map<Integer, Long> expiryTimers = new HashMap<>();
    private boolean stateQuerying;
    private long stateRetryDelayMs;

    public ParkedPolls(int maxParked) {
        this(maxParked, maxParked, maxParked, DEFAULT_HEARTBEAT_SECONDS, new SimpleMeterRegistry());
    }

    /** The default of {@code sseHeartbeatSeconds}. */
    public static final int DEFAULT_HEARTBEAT_SECONDS = 15;

    /**
     * @param maxParked        parked requests and open streams on this instance, beyond them 503
     * @param maxPerCustomer   parked requests and streams per customer (chat session), beyond them 429
     * @param maxPerAgent      parked requests and streams per agent, beyond them 429
     * @param heartbeatSeconds how often an idle event stream gets a comment
     * @param meters           where the wake latency (message written to parked request answered) is recorded
     */
    public ParkedPolls(int maxParked, int maxPerCustomer, int maxPerAgent, int heartbeatSeconds, MeterRegistry meters) {
        this.maxParked = maxParked;
        this.maxPerCustomer = maxPerCustomer;
        this.maxPerAgent = maxPerAgent;
        this.heartbeatMs = heartbeatSeconds * 1000L;
        bindMeters(meters);
        this.wakeLatency = Timer.builder("chat_longpoll_wake_latency")
                .description("From a message being written (database clock) to a parked request answered with it")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .register(meters);
    }

    /** The long-poll's meters: parked requests, wake-ups, timeouts, rejections, throttled, wake queries. */
    private void bindMeters(MeterRegistry meters) {
        Gauge.builder("chat_longpoll_parked", this, ParkedPolls::parked)
                .description("Requests parked right now on this instance").register(meters);
        FunctionCounter.builder("chat_longpoll_parks", this, ParkedPolls::parks)
                .description("Requests parked so far (long-polls)").register(meters);
        FunctionCounter.builder("chat_longpoll_wakeups", this, ParkedPolls::wakeups)
                .description("Parked requests answered because a message arrived").register(meters);
        FunctionCounter.builder("chat_longpoll_timeouts", this, ParkedPolls::timeouts)
                .description("Parked requests answered [] when their wait ran out").register(meters);
        FunctionCounter.builder("chat_longpoll_rejections", this, ParkedPolls::rejections)
                .description("Requests refused with 503 at the cap on parked requests").register(meters);
        FunctionCounter.builder("chat_longpoll_throttled", this, ParkedPolls::throttled)
                .description("Requests refused with 429 at their credential's cap on parked requests").register(meters);
        FunctionCounter.builder("chat_longpoll_quiet_parks", this, ParkedPolls::quietParks)
                .description("Requests parked without a query: nothing newer was committed, as this instance knew")
                .register(meters);
        FunctionCounter.builder("chat_longpoll_wake_queries", this, ParkedPolls::wakeQueries)
                .description("Wake-up queries run (one serves every waiter and stream of up to 500 sessions)")
                .register(meters);
        Gauge.builder("chat_sse_streams", this, ParkedPolls::streams)
                .description("Event streams open right now on this instance").register(meters);
        FunctionCounter.builder("chat_sse_opened", this, ParkedPolls::streamsOpened)
                .description("Event streams opened").register(meters);
        FunctionCounter.builder("chat_sse_messages", this, p -> p.streamed.sum())
                .description("Messages written to event streams").register(meters);
    }

    /** Called once by the listener's verticle: where wake queries run, and with what. */
    public void attach(Context homeContext, MessageStore wakeStore, SessionStore stateStore) {
        this.home = homeContext;
        this.store = wakeStore;
        this.sessions = stateStore;
    }

    /**
     * Registers a waiter for the request, before its first look at the table, so that a message
     * committed while that look runs still wakes it. Null while the server drains (the caller answers
     * without parking); a 429 with Retry-After when the caller's own cap is reached (one credential
     * cannot take the instance), a 503 with Retry-After when the instance's is.
     */
    @Override
    public ParkedPoll park(RoutingContext ctx, int chatSessionId, int after, long timeoutMs) {
        if (draining) {
            return null;
        }
        Object quota = hold(ctx);
        parked.incrementAndGet();
        parks.increment();
        Context context = Vertx.currentContext();
        ParkedPoll waiter = new ParkedPoll(this, ctx, context, chatSessionId, after, quota);
        waiters.add(chatSessionId, waiter);
        ctx.response().closeHandler(v -> waiter.disconnected());
        if (ctx.response().closed()) { // gone while its credentials were checked: a close handler set now never runs
            waiter.disconnected();
            return waiter;
        }
        waiter.armTimer(loopTimeouts.computeIfAbsent(((io.vertx.core.internal.ContextInternal) context).nettyEventLoop(),
                PollTimeouts::new), timeoutMs);
        return waiter;
    }

    /**
     * A parked request's first look at the table: none at all when this instance knows that nothing newer than
     * {@code after} was committed ({@link Quiet}; the request was registered before, so that the notification of
     * anything committed since wakes it), else {@code query}'s answer.
     */
    @Override
    public Future<Optional<List<ChatMessage>>> look(int chatSessionId, int after,
            Supplier<Future<Optional<List<ChatMessage>>>> query) {
        Quiet known = quiet.get(chatSessionId);
        if (known != null && known.nothingAfter(after)) {
            quietParks.increment();
            return Future.succeededFuture(Optional.of(List.of()));
        }
        if (known == null) {
            return query.get();
        }
        int generation = known.generation();
        return query.get().onSuccess(found -> {
            if (found.isPresent() && found.get().isEmpty()) {
                known.learn(generation, after);
            }
        });
    }

    /**
     * Opens an event stream: registered like a parked request (and counted with them); it catches up with its
     * own reads and then joins the wake-up. Its session's state is read by the home context for its first
     * session event.
     */
    @Override
    public void stream(RoutingContext ctx, int chatSessionId, int after, long expiresAtMs,
            java.util.function.IntFunction<io.vertx.core.Future<java.util.Optional<MessageStore.Page>>> reader) {
        if (draining) {
            ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache").end(SseResponse.STOPPING);
            return;
        }
        Object quota = hold(ctx);
        streaming.incrementAndGet();
        streamsOpened.increment();
        EventStream stream = new EventStream(this, ctx, Vertx.currentContext(), chatSessionId, after,
                chatapi.http.Representation.of(ctx).zone(), quota, heartbeatMs, expiresAtMs, reader);
        streams.add(chatSessionId, stream);
        ctx.response().closeHandler(v -> stream.disconnected());
        if (ctx.response().closed()) { // gone while its credentials were checked: a close handler set now never runs
            stream.disconnected();
            return;
        }
        if (draining) { // SIGTERM came while it registered: drain() may have missed it
            stream.stop();
            return;
        }
        stream.catchUp();
        fetchState(chatSessionId);
    }

    /**
     * Takes a place for a parked request or a stream under the caps: the caller's quota key (null when none);
     * a 429 with Retry-After when the caller's credential has its most (one credential cannot take the
     * instance), a 503 with Retry-After when the instance has.
     */
    private Object hold(RoutingContext ctx) {
        Principal caller = Principal.of(ctx);
        Object quota = caller == null ? null : caller.quotaKey();
        int cap = caller == null ? 0 : caller.isAgent() ? maxPerAgent : maxPerCustomer;
        if (quota != null && !takeQuota(quota, cap)) {
            throttled.increment();
            throw ApiException.tooManyRequests(RETRY_AFTER_SECONDS, "longpoll.perCredential", cap);
        }
        if (held.incrementAndGet() > maxParked) {
            held.decrementAndGet();
            releaseQuota(quota);
            rejections.increment();
            throw ApiException.unavailable("longpoll.full", RETRY_AFTER_SECONDS);
        }
        return quota;
    }

    void remove(ParkedPoll waiter) {
        waiters.remove(waiter.chatSessionId, waiter);
        parked.decrementAndGet();
        held.decrementAndGet();
        releaseQuota(waiter.quota);
    }

    /**
     * Parks a GET of a session until its ETag changes: counted as a parked request. A change is found by the
     * session's state being read again after a notification (its own, a message's for an agent's tag, or its
     * topic's queue moving).
     */
    @Override
    public Watching.Watch watch(RoutingContext ctx, int chatSessionId, java.util.Set<String> etags, boolean agent,
            long timeoutMs, io.vertx.core.Handler<Boolean> done) {
        if (draining) {
            return null;
        }
        Object quota = hold(ctx);
        parked.incrementAndGet();
        SessionWait wait = new SessionWait(this, Vertx.currentContext(), chatSessionId, etags, agent, quota, done);
        sessionWaits.add(chatSessionId, wait);
        ctx.response().closeHandler(v -> wait.cancel());
        if (ctx.response().closed()) { // gone while its credentials were checked: a close handler set now never runs
            wait.cancel();
            return wait;
        }
        wait.armTimer(timeoutMs);
        fetchState(chatSessionId); // so that a typing flag's expiry is timed here too
        return wait;
    }

    void remove(SessionWait wait) {
        sessionWaits.remove(wait.chatSessionId, wait);
        parked.decrementAndGet();
        held.decrementAndGet();
        releaseQuota(wait.quota);
    }

    /** Opens an agent's queue stream (counted as a parked request). */
    @Override
    public void queue(RoutingContext ctx, long expiresAtMs,
            java.util.function.Supplier<io.vertx.core.Future<Watching.QueueView>> read) {
        if (draining) {
            ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache").end(SseResponse.STOPPING);
            return;
        }
        Object quota = hold(ctx);
        parked.incrementAndGet();
        QueueStream stream = new QueueStream(this, ctx, Vertx.currentContext(), quota, read, heartbeatMs, expiresAtMs);
        queues.add(stream);
        ctx.response().closeHandler(v -> stream.disconnected());
        if (ctx.response().closed()) {
            stream.disconnected();
            return;
        }
        stream.open();
        if (draining) { // SIGTERM came while it registered: drain() may have missed it
            stream.stop();
        }
    }

    void remove(QueueStream stream) {
        if (queues.remove(stream)) {
            parked.decrementAndGet();
            held.decrementAndGet();
            releaseQuota(stream.quota);
        }
    }

    /** Agents' queue streams open right now. */
    public int queueStreams() {
        return queues.size();
    }

    /** Whether anyone here follows the session's state: a stream or a waiting GET. */
    private boolean watched(int chatSessionId) {
        return streams.has(chatSessionId) || sessionWaits.has(chatSessionId);
    }

    void remove(EventStream stream) {
        streams.remove(stream.chatSessionId, stream);
        streaming.decrementAndGet();
        held.decrementAndGet();
        releaseQuota(stream.quota);
    }

    /** The session's messages are read again (for a stream that opened, fell behind or read a full page). */
    void fetch(int chatSessionId) {
        notified(chatSessionId, 0, 0);
    }

    /** The session's state is read again (for a stream that opened, or a typing flag that expired). */
    void fetchState(int chatSessionId) {
        sessionChanged(chatSessionId, new int[0], true);
    }

    /**
     * A session changed (on any instance; the channel chat_session): its state is read again if anyone here
     * streams it, and so is the state of every session streamed here that waits in the queue of one of
     * {@code topics} (the session may have joined or left it, moving the others). Runs on the home context.
     */
    public void sessionChanged(int chatSessionId, int[] topics, boolean typingOnly) {
        if (Vertx.currentContext() != home) {
            home.runOnContext(v -> sessionChanged(chatSessionId, topics, typingOnly));
            return;
        }
        if (!typingOnly) { // agents' lists do not show typing
            forget(chatSessionId); // deleted, perhaps (V5 notifies its messages' channel too, which wakes its polls)
            for (QueueStream q : queues) {
                if (q.concerns(chatSessionId, topics)) {
                    q.onContext(q::refresh);
                }
            }
        }
        if (watched(chatSessionId)) {
            statePending.add(chatSessionId);
        }
        if (topics.length > 0) {
            var it = known.entrySet().iterator();
            while (it.hasNext()) {
                var entry = it.next();
                if (!watched(entry.getKey())) {
                    it.remove();
                } else if ("InQueue".equals(entry.getValue().status())
                        && java.util.Arrays.stream(topics).anyMatch(t -> t == entry.getValue().topicId())) {
                    statePending.add(entry.getKey());
                }
            }
        }
        fetchStates();
    }

    /** One state query at a time, for up to BATCH sessions, as the message wake-up does. */
    private void fetchStates() {
        if (stateQuerying || statePending.isEmpty() || sessions == null) {
            return;
        }
        List<Integer> batch = new java.util.ArrayList<>();
        var it = statePending.iterator();
        while (it.hasNext() && batch.size() < BATCH) {
            int id = it.next();
            it.remove();
            if (watched(id)) {
                batch.add(id);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        stateQuerying = true;
        sessions.states(batch)
                .onSuccess(found -> {
                    stateRetryDelayMs = 0;
                    try {
                        for (int id : batch) {
                            SessionState state = found.get(id);
                            if (state == null) { // deleted: the message wake-up ends its streams
                                known.remove(id);
                                sessionWaits.values(id).forEach(w -> w.offer(null));
                            } else {
                                known.put(id, state);
                                deliverState(state);
                            }
                        }
                    } finally {
                        stateQuerying = false;
                        fetchStates();
                    }
                })
                .onFailure(err -> {
                    statePending.addAll(batch);
                    stateRetryDelayMs = Math.min(MAX_RETRY_DELAY_MS,
                            stateRetryDelayMs == 0 ? FIRST_RETRY_DELAY_MS : stateRetryDelayMs * 2);
                    LOG.warn("Session state query for {} sessions failed; retrying in {} ms: {}", batch.size(),
                            stateRetryDelayMs, err.getMessage());
                    home.owner().setTimer(stateRetryDelayMs, id -> {
                        stateQuerying = false;
                        fetchStates();
                    });
                });
    }

    /**
     * Sends the state to the session's streams as {@code event: session} (each writes it when it differs from
     * the last it wrote), and re-reads it when its next typing flag expires, so that the clearing is pushed too.
     */
    private void deliverState(SessionState state) {
        int id = state.chatSessionId();
        Map<java.time.ZoneId, Buffer> frames = new HashMap<>();
        for (EventStream s : streams.values(id)) {
            Buffer frame;
            try {
                frame = frames.computeIfAbsent(s.zone, zone -> Buffer.buffer("event: session\ndata: ")
                        .appendBuffer(chatapi.http.Json.buffer(g -> state.writeEvent(g, zone))).appendString("\n\n"));
            } catch (RuntimeException e) {
                s.onContext(() -> s.fail(e));
                continue;
            }
            s.onContext(() -> s.offerState(frame));
        }
        sessionWaits.values(id).forEach(w -> w.offer(state));
        Long timer = expiryTimers.remove(id);
        if (timer != null) {
            home.owner().cancelTimer(timer);
        }
        Long expiresInMs = state.nextExpiryMs();
        if (expiresInMs != null) {
            expiryTimers.put(id, home.owner().setTimer(expiresInMs + 20, t -> {
                expiryTimers.remove(id);
                fetchState(id);
            }));
        }
    }

    void countStreamed(int messages) {
        if (messages > 0) {
            streamed.add(messages);
        }
    }

    /** One more parked request for the key, unless it has {@code cap} already. */
    private boolean takeQuota(Object key, int cap) {
        boolean[] taken = {false};
        parkedBy.compute(key, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= cap) {
                return n;
            }
            taken[0] = true;
            return count + 1;
        });
        return taken[0];
    }

    private void releaseQuota(Object key) {
        if (key != null) {
            parkedBy.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /**
     * Messages were committed for the session (on any instance), up to id {@code upTo} (0 when unknown), the
     * earliest written at {@code writtenAtMicros} (0 when unknown). The session is queried for its waiters and
     * streams unless each has seen {@code upTo} already (this instance's own messages: answered when inserted).
     * Runs on the home context.
     */
    @Override
    public void notified(int chatSessionId, long writtenAtMicros, int upTo) {
        if (Vertx.currentContext() != home) {
            home.runOnContext(v -> notified(chatSessionId, writtenAtMicros, upTo));
            return;
        }
        Quiet known = quiet.get(chatSessionId);
        if (known != null) { // before the waiters are looked at: a poll that found it quiet is registered by then
            known.notified(upTo);
        }
        if (upTo <= 0 ? waiters.has(chatSessionId) || streams.has(chatSessionId) : behind(chatSessionId, upTo)) {
            pending.merge(chatSessionId, writtenAtMicros, CommitNotifier::earliest);
            fetchPending();
        }
        if (sessionWaits.has(chatSessionId)) { // a message changes what an agent's ETag covers (LastMessage)
            statePending.add(chatSessionId);
            fetchStates();
        }
        for (QueueStream q : queues) { // a waiting visitor's message shows in the queue (FirstMessage, LastMessage)
            if (q.queued.contains(chatSessionId)) {
                q.onContext(q::refresh);
            }
        }
    }

    /**
     * The listener (re)connected: notifications sent while it was away are lost, so every session
     * with waiters looks at the table again. Runs on the home context.
     */
    public void resubscribed() {
        if (Vertx.currentContext() != home) {
            home.runOnContext(v -> resubscribed());
            return;
        }
        quiet.values().forEach(Quiet::forget); // notifications were lost meanwhile
        waiters.keys().forEach(id -> pending.putIfAbsent(id, 0L));
        streams.keys().forEach(id -> pending.putIfAbsent(id, 0L));
        fetchPending();
        statePending.addAll(streams.keys());
        statePending.addAll(sessionWaits.keys());
        fetchStates();
        queues.forEach(q -> q.onContext(q::refresh));
    }

    /** SIGTERM: answers every parked request with {@code []}, ends every stream, and parks no more. */
    public void drain() {
        draining = true;
        waiters.forEach(w -> w.answer(MessageArray.encode(List.of(), w.representation)));
        streams.forEach(s -> s.onContext(s::stop));
        sessionWaits.forEach(w -> w.end(false));
        queues.forEach(q -> q.onContext(q::stop));
    }

    private void fetchPending() {
        if (querying || pending.isEmpty() || store == null) {
            return;
        }
        Map<Integer, Long> writtenAt = new HashMap<>();
        Map<Integer, Integer> batch = takeBatch(writtenAt);
        // What each session's answer may teach, and to which object (not one made later, should the map start over):
        // taken now, after the notifications that made it pending.
        Map<Integer, Known> generations = new HashMap<>();
        batch.keySet().forEach(id -> generations.put(id, Known.now(knowing(id))));
        if (batch.isEmpty()) {
            fetchPending();
            return;
        }
        querying = true;
        wakeQueries.increment();
        store.messagesAfter(batch)
                .onSuccess(found -> {
                    retryDelayMs = 0;
                    try {
                        learn(batch, found, generations); // first: the polls answered now come back at once
                        deliver(batch, found, writtenAt);
                    } finally {
                        querying = false;
                        fetchPending();
                    }
                })
                .onFailure(err -> {
                    // The database is away (restart, failover, network): the sessions stay pending and
                    // the query is tried again after a growing pause, so no committed message is lost.
                    writtenAt.forEach((sessionId, at) -> pending.merge(sessionId, at, CommitNotifier::earliest));
                    retryDelayMs = Math.min(MAX_RETRY_DELAY_MS, retryDelayMs == 0 ? FIRST_RETRY_DELAY_MS : retryDelayMs * 2);
                    LOG.warn("Wake-up query for {} sessions failed; retrying in {} ms: {}", batch.size(), retryDelayMs,
                            err.getMessage());
                    home.owner().setTimer(retryDelayMs, id -> {
                        querying = false;
                        fetchPending();
                    });
                });
    }

    private void forget(int chatSessionId) {
        Quiet known = quiet.get(chatSessionId);
        if (known != null) {
            known.forget();
        }
    }

    /** Whether a waiter or a stream of the session has not seen message {@code id}. */
    private boolean behind(int chatSessionId, int id) {
        for (ParkedPoll w : waiters.values(chatSessionId)) {
            if (w.after < id) {
                return true;
            }
        }
        for (EventStream s : streams.values(chatSessionId)) {
            if (s.after < id) {
                return true;
            }
        }
        return false;
    }

    /** A session's knowledge object and its generation when a query or an insert began: what it may teach, and to whom. */
    private record Known(Quiet known, int generation) {
        static Known now(Quiet known) {
            return new Known(known, known.generation());
        }
    }

    /**
     * Before an insert of one of the session's messages (any context): its knowledge now, if this instance has polls
     * or streams that its re-polls may use (else none is made: posts to sessions nobody waits on here, to ids that
     * do not exist, do not crowd out the knowledge of those somebody does).
     */
    @Override
    public Object beforeInsert(int chatSessionId) {
        Quiet known = quiet.get(chatSessionId);
        if (known == null && (waiters.has(chatSessionId) || streams.has(chatSessionId))) {
            known = knowing(chatSessionId);
        }
        return known == null ? null : Known.now(known);
    }

    /**
     * This instance committed the message, the session's next after {@code previousId}: the polls and streams that
     * have seen the session up to that one get it now, without a query (any context). The others wait for its
     * notification, which queries for them; so does everything here when {@code previousId} is not known.
     */
    @Override
    public void inserted(ChatMessage message, int previousId, long writtenAtMicros, Object before) {
        int sessionId = message.chatSessionId();
        if (before instanceof Known b) {
            b.known().committed(b.generation(), message.chatMessageId());
        }
        if (previousId < 0) {
            return;
        }
        try {
            List<ChatMessage> page = List.of(message);
            offerToStreams(sessionId, page, false, previousId);
            answer(Delivery.plan(waiters.values(sessionId), page, false, previousId), writtenAtMicros);
        } catch (RuntimeException e) { // the notification's query answers them instead
            LOG.warn("Answering the requests parked on session {} from its new message failed", sessionId, e);
        }
    }

    /** The session's knowledge, made if need be (starting over beyond MAX_QUIET), and its generation now. */
    private Quiet knowing(int chatSessionId) {
        Quiet known = quiet.get(chatSessionId);
        if (known == null) {
            if (quiet.size() >= MAX_QUIET) {
                quiet.clear(); // queries still running learn into dropped objects, which nothing reads
            }
            known = quiet.computeIfAbsent(chatSessionId, id -> new Quiet());
        }
        return known;
    }

    /** Up to BATCH pending sessions that still have waiters, each with its waiters' lowest after. */
    private Map<Integer, Integer> takeBatch(Map<Integer, Long> writtenAt) {
        Map<Integer, Integer> batch = new HashMap<>();
        var it = pending.entrySet().iterator();
        while (it.hasNext() && batch.size() < BATCH) {
            Map.Entry<Integer, Long> entry = it.next();
            int sessionId = entry.getKey();
            writtenAt.put(sessionId, entry.getValue());
            it.remove();
            java.util.stream.IntStream.concat(waiters.values(sessionId).stream().mapToInt(w -> w.after),
                            streams.values(sessionId).stream().filter(s -> s.joined).mapToInt(s -> s.after)).min()
                    .ifPresent(min -> batch.put(sessionId, min));
        }
        return batch;
    }

    /** A session whose page was not full has nothing newer than its last message (or the after it was read from). */
    private void learn(Map<Integer, Integer> queried, MessageStore.Woken woken, Map<Integer, Known> generations) {
        queried.forEach((sessionId, queriedAfter) -> {
            Known then = generations.get(sessionId);
            if (then == null || woken.gone().contains(sessionId) || woken.full().contains(sessionId)) {
                return;
            }
            List<ChatMessage> page = woken.messages().getOrDefault(sessionId, List.of());
            then.known().learn(then.generation(),
                    page.isEmpty() ? queriedAfter : page.get(page.size() - 1).chatMessageId());
        });
    }

    /**
     * Answers the waiters of each queried session with the messages newer than their own {@code after}.
     * A waiter that parked after the batch was taken, with an {@code after} below the one queried (a
     * client that fell behind), could be missing messages between the two: it is not answered from
     * this result; its session is queried again, from its {@code after}. So is a session whose page was
     * full while some waiter found nothing new in it: the page may have ended before that waiter's messages
     * (an answer holds a bounded number). A session whose answers cannot be written fails its own waiters
     * (500) and no other session's.
     */
    private void deliver(Map<Integer, Integer> queried, MessageStore.Woken woken, Map<Integer, Long> writtenAt) {
        queried.forEach((sessionId, queriedAfter) -> {
            try {
                deliver(sessionId, queriedAfter, woken, writtenAt.getOrDefault(sessionId, 0L));
            } catch (RuntimeException e) {
                LOG.error("Waking the requests parked on session {} failed", sessionId, e);
                waiters.values(sessionId).forEach(w -> w.fail(e));
                streams.values(sessionId).forEach(s -> s.onContext(() -> s.fail(e)));
            }
        });
    }

    private void deliver(int sessionId, int queriedAfter, MessageStore.Woken woken, long written) {
        if (woken.gone().contains(sessionId)) { // deleted: its polls end as a request for it would, 404
            for (ParkedPoll w : waiters.values(sessionId)) {
                w.fail(ApiException.notFound("session.notFound", sessionId));
            }
            Buffer deleted = deletedEvent(sessionId);
            streams.values(sessionId).forEach(s -> s.onContext(() -> s.deleted(deleted)));
            return;
        }
        List<ChatMessage> page = woken.messages().getOrDefault(sessionId, List.of());
        boolean full = woken.full().contains(sessionId);
        offerToStreams(sessionId, page, full, queriedAfter);
        Delivery.Plan<ParkedPoll> plan = Delivery.plan(waiters.values(sessionId), page, full, queriedAfter);
        answer(plan, written);
        if (plan.again()) {
            pending.merge(sessionId, written, CommitNotifier::earliest);
        }
    }

    /** Answers the plan's polls, each representation and {@code after} encoded once. */
    private void answer(Delivery.Plan<ParkedPoll> plan, long written) {
        Map<Encoding, Buffer> encoded = new HashMap<>();
        for (Delivery.Answer<ParkedPoll> answer : plan.answers()) {
            ParkedPoll w = answer.poll();
            Buffer body;
            try {
                body = encoded.computeIfAbsent(new Encoding(w.after, w.representation),
                        e -> MessageArray.encode(answer.messages(), e.representation()));
            } catch (RuntimeException e) { // this answer cannot be written: this request fails, the rest go on
                w.fail(e);
                continue;
            }
            w.answer(body, () -> {
                wakeups.increment();
                if (written > 0) {
                    recordLatency(written);
                }
            });
        }
    }

    /**
     * Offers the page to the session's streams: each message encoded once per zone among them, as an
     * {@code id:}/{@code event: message}/{@code data:} frame; each stream writes the ones newer than its own
     * {@code after}, on its own event loop.
     */
    private void offerToStreams(int sessionId, List<ChatMessage> page, boolean full, int queriedAfter) {
        List<EventStream> open = streams.values(sessionId).stream().filter(s -> s.joined).toList();
        if (open.isEmpty()) { // a stream still catching up reads for itself
            return;
        }
        Map<java.time.ZoneId, EventStream.Frames> framesByZone = new HashMap<>();
        for (EventStream s : open) {
            EventStream.Frames frames;
            try {
                frames = framesByZone.computeIfAbsent(s.zone, zone -> frames(page, zone));
            } catch (RuntimeException e) { // these messages cannot be written in this zone: its streams end
                s.onContext(() -> s.fail(e));
                continue;
            }
            s.onContext(() -> s.offer(frames, queriedAfter, full));
        }
    }

    /** {@code event: deleted} for the session. */
    static Buffer deletedEvent(int sessionId) {
        return Buffer.buffer("event: deleted\ndata: {\"ChatSessionId\":" + sessionId + "}\n\n");
    }

    /** The messages as {@code id:}/{@code event: message}/{@code data:} frames in one zone. */
    static EventStream.Frames frames(List<ChatMessage> page, java.time.ZoneId zone) {
        int[] ids = new int[page.size()];
        Buffer[] frames = new Buffer[page.size()];
        chatapi.http.Representation json = new chatapi.http.Representation(chatapi.http.Representation.Format.JSON,
                "application/json", zone, chatapi.http.Texts.ENGLISH);
        for (int i = 0; i < ids.length; i++) {
            ChatMessage m = page.get(i);
            ids[i] = m.chatMessageId();
            Buffer frame = Buffer.buffer(256).appendString("id: " + m.chatMessageId() + "\nevent: message\ndata: ");
            frame.appendBuffer(chatapi.http.Json.buffer(json, "ChatMessage", g -> m.writeTo(g, zone)));
            frames[i] = frame.appendString("\n\n");
        }
        return new EventStream.Frames(ids, frames);
    }

    private void recordLatency(long writtenAtMicros) {
        Instant now = Instant.now();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000 - writtenAtMicros;
        if (micros >= 0) { // clocks of different hosts may disagree a little
            wakeLatency.record(micros, TimeUnit.MICROSECONDS);
        }
    }

    /** Waiters asking for the same messages in the same representation share one encoding. */
    private record Encoding(int after, chatapi.http.Representation representation) {
    }

    void countTimeout() {
        timeouts.increment();
    }

    /** Long-polls parked on this instance so far. */
    public long parks() {
        return parks.sum();
    }

    /** Event streams opened on this instance so far. */
    public long streamsOpened() {
        return streamsOpened.sum();
    }

    /** Event streams open right now on this instance. */
    public int streams() {
        return streaming.get();
    }

    /** Requests parked right now on this instance. */
    public int parked() {
        return parked.get();
    }

    /** Parked requests answered because a message arrived. */
    public long wakeups() {
        return wakeups.sum();
    }

    /** Parked requests answered {@code []} because their time ran out. */
    public long timeouts() {
        return timeouts.sum();
    }

    /** Requests refused with 429 because their credential had its most parked requests already. */
    public long throttled() {
        return throttled.sum();
    }

    /** Requests refused with 503 because the cap on parked requests was reached. */
    public long rejections() {
        return rejections.sum();
    }

    /** Wake-up queries run (each serves every waiter of up to {@link #BATCH} sessions). */
    public long quietParks() {
        return quietParks.sum();
    }

    public long wakeQueries() {
        return wakeQueries.sum();
    }
}
