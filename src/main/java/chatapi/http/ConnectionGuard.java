package chatapi.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
 *
 * <p>A request costs no timer: each connection holds a deadline, and one periodic sweep per verticle (every
 * quarter of the shorter timeout, between 100 ms and 1 s) closes the connections past theirs. A timer set
 * and cancelled per request was measurable on the event loop at thousands of requests a second.
 */
public final class ConnectionGuard {

    private final Vertx vertx;
    private final long readTimeoutNanos;
    private final long idleTimeoutNanos;
    private final long sweepMs;
    private final Map<HttpConnection, State> connections = new HashMap<>();
    private boolean sweeping;

    private static final class State {
        int inFlight;
        /** {@link System#nanoTime()} past which the connection is closed, if still as it was; 0: none. */
        long deadline;
        /** The request whose body must arrive by the deadline; null: the connection must be busy by then. */
        RoutingContext awaitingBody;
    }

    public ConnectionGuard(Vertx vertx, int readTimeoutSeconds, int idleTimeoutSeconds) {
        this.vertx = vertx;
        this.readTimeoutNanos = TimeUnit.SECONDS.toNanos(readTimeoutSeconds);
        this.idleTimeoutNanos = TimeUnit.SECONDS.toNanos(idleTimeoutSeconds);
        this.sweepMs = Math.max(100, Math.min(1000, Math.min(readTimeoutSeconds, idleTimeoutSeconds) * 1000L / 4));
    }

    /** A new connection: its first request must be complete within the read timeout. */
    public void connected(HttpConnection connection) {
        if (!sweeping) { // on the server's event loop, where the sweep must run too
            sweeping = true;
            vertx.setPeriodic(sweepMs, id -> sweep());
        }
        HttpVersionCheck.install(connection);
        State state = new State();
        connections.put(connection, state);
        state.deadline = deadline(readTimeoutNanos);
        connection.closeHandler(v -> connections.remove(connection));
    }

    /** First handler of every routed request: the connection is busy until the response ends. */
    public void requestStarted(RoutingContext ctx) {
        HttpConnection connection = ctx.request().connection();
        State state = connections.get(connection);
        if (state != null) {
            state.inFlight++;
            state.deadline = 0;
            state.awaitingBody = null;
            if (hasBody(ctx) && !ctx.request().isEnded()) {
                // The body is still on its way: it too must arrive within the read timeout.
                state.awaitingBody = ctx;
                state.deadline = deadline(readTimeoutNanos);
            }
            ctx.addEndHandler(done -> {
                state.inFlight--;
                state.deadline = 0;
                state.awaitingBody = null;
                if (state.inFlight == 0 && connections.containsKey(connection)) {
                    state.deadline = deadline(idleTimeoutNanos);
                }
            });
        }
        ctx.next();
    }

    /** Closes the connections past their deadline: idle ones, and those whose request body has not arrived. */
    private void sweep() {
        long now = System.nanoTime();
        List<HttpConnection> expired = new ArrayList<>();
        connections.forEach((connection, state) -> {
            if (state.deadline != 0 && now - state.deadline >= 0) {
                state.deadline = 0;
                RoutingContext body = state.awaitingBody;
                state.awaitingBody = null;
                if (body != null ? hasBody(body) && !body.request().isEnded() : state.inFlight == 0) {
                    expired.add(connection);
                }
            }
        });
        expired.forEach(HttpConnection::close); // closing removes them from the map: not while iterating it
    }

    private static long deadline(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        return deadline == 0 ? 1 : deadline;
    }

    /** Whether a body follows the headers (a GET's end may be signalled a little after its headers). */
    private static boolean hasBody(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        return ctx.request().getHeader("Transfer-Encoding") != null || (length != null && !length.equals("0"));
    }
}
