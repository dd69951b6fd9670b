package chatapi.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * Watches each HTTP connection from its first byte (with {@link HttpVersionCheck}) and closes connections
 * that hold no request worth keeping, so that slow or idle clients cannot pin
 * connections (and file descriptors) forever:
 * <ul>
 * <li>a request whose headers or body do not arrive completely within the read timeout (slowloris:
 * a partial request, or a body trickling in);</li>
 * <li>a keep-alive connection with no request for longer than the idle timeout.</li>
 * </ul>
 * A parked long-poll is a request in progress: its connection stays open however quiet it is. One guard
 * per verticle; its state is confined to that verticle's event loop (the HTTP server runs in strict
 * thread mode).
 */
public final class ConnectionGuard {

    private final Vertx vertx;
    private final long readTimeoutMs;
    private final long idleTimeoutMs;
    private final Map<HttpConnection, State> connections = new HashMap<>();

    private static final class State {
        int inFlight;
        long timer = -1;
    }

    public ConnectionGuard(Vertx vertx, int readTimeoutSeconds, int idleTimeoutSeconds) {
        this.vertx = vertx;
        this.readTimeoutMs = readTimeoutSeconds * 1000L;
        this.idleTimeoutMs = idleTimeoutSeconds * 1000L;
    }

    /** A new connection: its first request must be complete within the read timeout. */
    public void connected(HttpConnection connection) {
        HttpVersionCheck.install(connection);
        State state = new State();
        connections.put(connection, state);
        arm(connection, state, readTimeoutMs);
        connection.closeHandler(v -> {
            State closed = connections.remove(connection);
            if (closed != null) {
                cancel(closed);
            }
        });
    }

    /** First handler of every routed request: the connection is busy until the response ends. */
    public void requestStarted(RoutingContext ctx) {
        HttpConnection connection = ctx.request().connection();
        State state = connections.get(connection);
        if (state != null) {
            state.inFlight++;
            cancel(state);
            if (hasBody(ctx) && !ctx.request().isEnded()) {
                // The body is still on its way: it too must arrive within the read timeout.
                state.timer = vertx.setTimer(readTimeoutMs, id -> {
                    state.timer = -1;
                    if (hasBody(ctx) && !ctx.request().isEnded()) {
                        connection.close();
                    }
                });
            }
            ctx.addEndHandler(done -> {
                state.inFlight--;
                cancel(state);
                if (state.inFlight == 0 && connections.containsKey(connection)) {
                    arm(connection, state, idleTimeoutMs);
                }
            });
        }
        ctx.next();
    }

    /** Whether a body follows the headers (a GET's end may be signalled a little after its headers). */
    private static boolean hasBody(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        return ctx.request().getHeader("Transfer-Encoding") != null || (length != null && !length.equals("0"));
    }

    private void arm(HttpConnection connection, State state, long timeoutMs) {
        state.timer = vertx.setTimer(timeoutMs, id -> {
            state.timer = -1;
            if (state.inFlight == 0) {
                connection.close();
            }
        });
    }

    private void cancel(State state) {
        if (state.timer >= 0) {
            vertx.cancelTimer(state.timer);
            state.timer = -1;
        }
    }
}
