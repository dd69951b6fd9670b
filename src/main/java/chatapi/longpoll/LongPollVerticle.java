package chatapi.longpoll;

import chatapi.config.AppConfig;
import chatapi.db.Database;
import chatapi.message.MessageStore;
import chatapi.session.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.SqlClient;

/**
 * The instance's listener: one LISTEN connection, and the context on which wake-up queries run.
 * Deployed once per process, before the API verticles.
 */
public final class LongPollVerticle extends VerticleBase {

    private final AppConfig config;
    private final ParkedPolls longPoll;
    private NotificationListener listener;
    private SqlClient pool;

    public LongPollVerticle(AppConfig config, ParkedPolls longPoll) {
        this.config = config;
        this.longPoll = longPoll;
    }

    @Override
    public Future<?> start() {
        pool = Database.pool(vertx, config);
        longPoll.attach(context, new MessageStore(pool, config.limits().maxMessagesPerAnswer()),
                new SessionStore(pool, config.live().typingTimeoutSeconds()));
        listener = new NotificationListener(vertx, config, longPoll);
        return listener.start();
    }

    @Override
    public Future<?> stop() {
        return Future.join(listener.stop(), pool.close());
    }

    public NotificationListener listener() {
        return listener;
    }
}
