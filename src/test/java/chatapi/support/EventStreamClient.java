package chatapi.support;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A Server-Sent Events client for tests: opens {@code GET path} with {@code Accept: text/event-stream} over real
 * HTTP, parses the stream as the EventSource specification does (fields per line, a blank line dispatches;
 * comments kept too, so that heartbeats can be asserted) and lets a test wait for what it expects. Everything
 * runs on one Vert.x context; the futures complete there.
 */
public final class EventStreamClient {

    /** A dispatched event, or a comment line (then {@code comment} is its text and the rest null). */
    public record Event(String id, String event, String data, String comment) {

        public JsonObject json() {
            return new JsonObject(data);
        }

        public boolean isComment() {
            return comment != null;
        }
    }

    private final List<Event> events = new ArrayList<>();
    private final List<Waiting> waiting = new ArrayList<>();
    private final Promise<Void> ended = Promise.promise();
    private final StringBuilder line = new StringBuilder();
    private final io.vertx.core.Context context;
    private HttpClient client;
    private String id;
    private String event;
    private StringBuilder data;
    private int status;
    private MultiMap headers;
    private Buffer errorBody = Buffer.buffer();

    private record Waiting(Predicate<List<Event>> condition, Promise<List<Event>> done) {
    }

    private EventStreamClient(Vertx vertx) {
        this.context = vertx.getOrCreateContext();
    }

    /**
     * Opens the stream; completes once the response's headers are in (any status: a refused stream's body is
     * {@link #errorBody()}). {@code headerPairs} alternate names and values.
     */
    public static Future<EventStreamClient> open(Vertx vertx, int port, String path, String... headerPairs) {
        EventStreamClient c = new EventStreamClient(vertx);
        Promise<EventStreamClient> opened = Promise.promise();
        c.context.runOnContext(v -> c.connect(port, path, headerPairs).onComplete(opened));
        return opened.future();
    }

    private Future<EventStreamClient> connect(int port, String path, String... headerPairs) {
        client = context.owner().createHttpClient(new HttpClientOptions());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                .setURI(path).addHeader("Accept", "text/event-stream");
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            options.putHeader(headerPairs[i], headerPairs[i + 1]);
        }
        return client.request(options).compose(req -> req.send()).compose(resp -> {
            status = resp.statusCode();
            headers = resp.headers();
            if (status != 200) { // a refused stream: its whole (error) body
                return resp.body().map(body -> {
                    errorBody = body;
                    ended.tryComplete();
                    return this;
                });
            }
            resp.handler(chunk -> parse(chunk.toString(StandardCharsets.UTF_8)));
            resp.endHandler(v -> ended.tryComplete());
            resp.exceptionHandler(e -> ended.tryComplete());
            resp.request().connection().closeHandler(v -> ended.tryComplete());
            return Future.succeededFuture(this);
        });
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        return headers.get(name);
    }

    /** The body of a response that was not a stream (an error). */
    public JsonObject errorBody() {
        return errorBody.toJsonObject();
    }

    /** Completes when the server ends the stream (or the connection closes). */
    public Future<Void> ended() {
        return ended.future();
    }

    /** Completes with every event so far once {@code condition} holds for them (checked as each arrives). */
    public Future<List<Event>> await(Predicate<List<Event>> condition) {
        Promise<List<Event>> done = Promise.promise();
        context.runOnContext(v -> {
            if (condition.test(events)) {
                done.complete(List.copyOf(events));
            } else {
                waiting.add(new Waiting(condition, done));
            }
        });
        return done.future();
    }

    /** Once at least {@code count} events named {@code name} have arrived: those events, in order. */
    public Future<List<Event>> awaitEvents(String name, int count) {
        return await(all -> named(all, name).size() >= count).map(all -> named(all, name));
    }

    public static List<Event> named(List<Event> all, String name) {
        return all.stream().filter(e -> name.equals(e.event())).toList();
    }

    /** What has arrived so far (a copy). */
    public Future<List<Event>> events() {
        return await(all -> true);
    }

    public Future<Void> close() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> client.close().onComplete(done));
        return done.future();
    }

    private void parse(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                field(line.toString());
                line.setLength(0);
            } else if (c != '\r') {
                line.append(c);
            }
        }
        List<Waiting> ready = waiting.stream().filter(w -> w.condition().test(events)).toList();
        waiting.removeAll(ready);
        ready.forEach(w -> w.done().complete(List.copyOf(events)));
    }

    private void field(String text) {
        if (text.isEmpty()) {
            if (data != null || event != null) {
                events.add(new Event(id, event == null ? "message" : event, data == null ? "" : data.toString(), null));
            }
            id = null;
            event = null;
            data = null;
            return;
        }
        if (text.startsWith(":")) {
            events.add(new Event(null, null, null, text.substring(1).trim()));
            return;
        }
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1).replaceFirst("^ ", "");
        switch (name) {
            case "id" -> id = value;
            case "event" -> event = value;
            case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            default -> { } // retry and unknown fields
        }
    }
}
