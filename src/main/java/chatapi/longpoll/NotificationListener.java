package chatapi.longpoll;

import chatapi.config.AppConfig;
import chatapi.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's one LISTEN connection (channel {@code chat_message}, fed by the message table's
 * trigger, and channel {@code chat_session}, fed by the session table's). It reconnects forever with a capped back-off; each (re)subscription makes every parked
 * request look at the table again, since notifications sent while it was away are lost.
 */
public final class NotificationListener {

    public static final String CHANNEL = "chat_message";
    /** Session changes: {@code "<session id> <topic id>[ <previous topic id>]"} (sql/V7__live_sessions.sql). */
    public static final String SESSION_CHANNEL = "chat_session";
    public static final String APPLICATION_NAME = "chat-api listener";
    private static final Logger LOG = LoggerFactory.getLogger(NotificationListener.class);
    private static final long MAX_BACKOFF_MS = 2_000;

    private final PgSubscriber subscriber;
    private final ParkedPolls longPoll;
    private volatile boolean subscribed;
    private volatile boolean sessionsSubscribed;
    private volatile boolean stopping;

    public NotificationListener(Vertx vertx, AppConfig config, ParkedPolls longPoll) {
        PgConnectOptions options = Database.connectOptions(config);
        options.getProperties().put("application_name", APPLICATION_NAME);
        this.subscriber = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(attempt -> Math.min(MAX_BACKOFF_MS, 100L * (1L << Math.min(attempt, 5))));
        this.longPoll = longPoll;
    }

    /** Connects and subscribes; completes once the first LISTEN is in place. */
    public Future<Void> start() {
        subscriber.closeHandler(v -> {
            subscribed = false;
            sessionsSubscribed = false;
            if (!stopping) {
                LOG.warn("LISTEN connection lost; reconnecting");
            }
        });
        subscriber.channel(SESSION_CHANNEL).handler(this::onSessionNotification)
                .subscribeHandler(v -> {
                    sessionsSubscribed = true;
                    bothSubscribed();
                });
        subscriber.channel(CHANNEL)
                .handler(this::onNotification)
                .subscribeHandler(v -> {
                    subscribed = true;
                    bothSubscribed();
                });
        return subscriber.connect();
    }

    /** Once both channels are listened to (again): what was notified while away is looked at, once. */
    private void bothSubscribed() {
        if (subscribed && sessionsSubscribed) {
            LOG.info("Listening on channels {} and {}", CHANNEL, SESSION_CHANNEL);
            longPoll.resubscribed();
        }
    }

    /** True while the LISTEN connection is up and subscribed. */
    public boolean listening() {
        return subscribed && sessionsSubscribed && subscriber.actualConnection() != null;
    }

    public Future<Void> stop() {
        stopping = true;
        return subscriber.close();
    }

    /** {@code "<session id>[ <topic id>[ <previous topic id>]]"}, or {@code "<session id> -"} for typing only. */
    private void onSessionNotification(String payload) {
        try {
            String[] parts = payload.trim().split(" ");
            boolean typingOnly = parts.length == 2 && parts[1].equals("-");
            int[] topics = new int[typingOnly ? 0 : parts.length - 1];
            for (int i = 0; i < topics.length; i++) {
                topics[i] = Integer.parseInt(parts[i + 1]);
            }
            longPoll.sessionChanged(Integer.parseInt(parts[0]), topics, typingOnly);
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring a notification on {} that is not a session id and topics", SESSION_CHANNEL);
        }
    }

    /**
     * {@code "<session id> <written at, µs since the epoch> <highest message id>"}, the id optional (the trigger's
     * notifications have none) and the time too; the API's coalesced form lists several, comma-separated
     * ({@code CommitNotifier}). Each well-formed entry is taken, whatever its neighbours; fields after the id are
     * left for later versions.
     */
    private void onNotification(String payload) {
        int start = 0;
        while (start <= payload.length()) {
            int comma = payload.indexOf(',', start);
            int end = comma < 0 ? payload.length() : comma;
            onEntry(payload, start, end);
            start = end + 1;
        }
    }

    private void onEntry(String payload, int start, int end) {
        try {
            int space = payload.indexOf(' ', start);
            boolean timed = space >= 0 && space < end;
            int sessionId = Integer.parseInt(payload, start, timed ? space : end, 10);
            int second = timed ? payload.indexOf(' ', space + 1) : -1;
            boolean numbered = second >= 0 && second < end;
            long writtenAt = timed ? Long.parseLong(payload, space + 1, numbered ? second : end, 10) : 0;
            int third = numbered ? payload.indexOf(' ', second + 1) : -1;
            // Fields after the id are for later versions: this one reads what it knows and leaves the rest.
            int idEnd = third >= 0 && third < end ? third : end;
            int upTo = numbered ? Integer.parseInt(payload, second + 1, idEnd, 10) : 0;
            longPoll.notified(sessionId, writtenAt, Math.max(upTo, 0));
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring a notification on {} that is not a session id", CHANNEL);
        }
    }
}
