package chatapi.http;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * The one way a handler answers from a future: the value is written once it arrives, and any failure, the
 * writing's own included, goes to the failure handler ({@link Errors}), so that no request is left unanswered
 * by an exception thrown inside a callback.
 */
public final class Respond {

    private Respond() {
    }

    /** Calls {@code write} with the future's value, or fails the request with the future's (or write's) failure. */
    public static <T> void with(RoutingContext ctx, Future<T> value, Consumer<T> write) {
        value.onComplete(result -> {
            if (result.failed()) {
                ctx.fail(result.cause());
                return;
            }
            try {
                write.accept(result.result());
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        });
    }
}
