package chatapi.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

/** Waiting, on a Vert.x timer, for a condition the test cannot be told about otherwise. */
public final class Await {

    private Await() {
    }

    /** Completes once {@code condition} holds (checked every 10 ms); fails naming {@code what} after the timeout. */
    public static Future<Void> condition(Vertx vertx, BooleanSupplier condition, String what, long timeoutMs) {
        Promise<Void> done = Promise.promise();
        long deadline = System.currentTimeMillis() + timeoutMs;
        vertx.setPeriodic(10, id -> {
            if (condition.getAsBoolean()) {
                vertx.cancelTimer(id);
                done.tryComplete();
            } else if (System.currentTimeMillis() > deadline) {
                vertx.cancelTimer(id);
                done.tryFail(new AssertionError("timed out waiting for " + what));
            }
        });
        return done.future();
    }
}
