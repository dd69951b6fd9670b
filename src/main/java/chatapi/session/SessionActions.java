package chatapi.session;

import chatapi.auth.Principal;
import chatapi.http.ApiException;
import chatapi.http.Errors;
import chatapi.http.Json;
import chatapi.http.Params;
import chatapi.http.PathIds;
import chatapi.http.Representation;
import chatapi.http.Respond;
import chatapi.message.MessageStore;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * The lifecycle of a chat session, as an agent console drives it: pick up (one session, or the first in the
 * queue), transfer to another agent, accept or reject a transfer, reset to the queue, end the chat. Each action is one
 * SQL statement, hence one transaction: the state change guarded by the state it needs, and the Special
 * message SuperOffice posts (its insert wakes the session's parked polls on every instance). When the
 * guard does not hold, nothing changes and the answer is 409 naming the state (404 when the session does
 * not exist). Answers the session as the Agents API writes it (without _Links).
 *
 * <p>States: {@code InQueue} waits for an agent; {@code CustomerLast} and {@code UserLast} are served by the
 * agent in {@code User}; a pending transfer names its agent in {@code TransferTo}.
 */
public final class SessionActions {

    /**
     * The caller as an associate: by id (Basic, tickets), else by a token's login name. $2 id, $3 name. Its
     * {@code full_name} is what the customer reads (Author, SpecialParam, the text): the display name, or "Agent"
     * when it has none, never the login name, which is half of a Basic credential.
     */
    private static final String ME = "me AS (SELECT associate_id, coalesce(nullif(full_name, ''), 'Agent') AS full_name"
            + " FROM associate WHERE associate_id = " + SessionStore.CALLER.formatted(2, 3) + ")";

    private static final String ACTIVE = "('CustomerLast', 'UserLast')";

    /** An agent named by id or login name ($1, text), the id first when both match. */
    private static final String ASSOCIATE_BY_ID_OR_NAME = "SELECT associate_id FROM associate"
            + " WHERE (associate_id::text = $1 OR lower(name) = lower($1)) AND NOT deleted"
            + " ORDER BY associate_id::text = $1 DESC LIMIT 1";

    /** $1 session. Waits for a lock on the row (a message being posted) and then checks the state again. */
    static final String PICKUP = pickup("SELECT $1::int AS chat_session_id");

    /**
     * The session that has waited longest; one being picked up by someone else (locked) is skipped, so that
     * agents picking up at once get different sessions. $1 is unused (NULL).
     */
    static final String PICKUP_FIRST = pickup("SELECT chat_session_id FROM chat_session WHERE status = 'InQueue'"
            + " AND $1::int IS NULL AND topic_id IN (SELECT ta.topic_id FROM chat_topic_agent ta"
            + " JOIN chat_presence p ON p.associate_id = ta.associate_id, me"
            + " WHERE ta.associate_id = me.associate_id AND ta.can_respond AND p.present)"
            + " ORDER BY when_requested, chat_session_id LIMIT 1 FOR UPDATE SKIP LOCKED");

    /** Whether the agent to transfer to ({@code other}) may respond in the topic of session {@code s}. */
    static final String TARGET_RESPONDS = "EXISTS (SELECT 1 FROM chat_topic_agent ta WHERE ta.topic_id = s.topic_id"
            + " AND ta.associate_id = other.associate_id AND ta.can_respond)";

    /** Whether the caller ({@code me}) may respond in the topic of session {@code s}. */
    static final String RESPONDS = "EXISTS (SELECT 1 FROM chat_topic_agent ta WHERE ta.topic_id = s.topic_id"
            + " AND ta.associate_id = me.associate_id AND ta.can_respond)";

    private static String pickup(String target) {
        return "WITH " + ME + ", target AS (" + target + "),"
                + " changed AS (UPDATE chat_session s SET status = 'UserLast', user_associate_id = me.associate_id,"
                + " transfer_to_associate_id = NULL, when_started = coalesce(s.when_started, now()), when_idle = now()"
                + " FROM me, target, chat_topic t WHERE s.chat_session_id = target.chat_session_id"
                + " AND t.topic_id = s.topic_id AND s.status = 'InQueue' AND " + RESPONDS
                + " RETURNING s.chat_session_id AS id, me.full_name AS author, 'Welcome' AS special, me.full_name AS param,"
                + " coalesce(nullif(t.welcome_message, ''), 'You are now chatting with ' || me.full_name) AS text)"
                + MessageStore.POST_SPECIAL;
    }

    /** $1 session, $4 the associate to transfer to (id or login name). */
    static final String TRANSFER = "WITH " + ME + ","
            + " other AS (" + ASSOCIATE_BY_ID_OR_NAME.replace("$1", "$4") + "),"
            + " changed AS (UPDATE chat_session s SET transfer_to_associate_id = other.associate_id FROM me, other"
            + " WHERE s.chat_session_id = $1 AND s.status IN " + ACTIVE + " AND s.user_associate_id = me.associate_id"
            + " AND other.associate_id <> me.associate_id AND " + TARGET_RESPONDS + " RETURNING s.chat_session_id)"
            + " SELECT chat_session_id FROM changed";

    /** $1 session: the caller takes over the transfer pending for it. */
    static final String ACCEPT = "WITH " + ME + ","
            + " changed AS (UPDATE chat_session s SET user_associate_id = me.associate_id, transfer_to_associate_id = NULL,"
            + " when_idle = now() FROM me WHERE s.chat_session_id = $1 AND s.status IN " + ACTIVE
            + " AND s.transfer_to_associate_id = me.associate_id"
            + " RETURNING s.chat_session_id AS id, me.full_name AS author, 'TransferedSession' AS special,"
            + " me.full_name AS param, me.full_name || ' has taken over the chat' AS text)"
            + MessageStore.POST_SPECIAL;

    /** $1 session: the caller declines the transfer pending for it; the session stays with its agent. */
    static final String REJECT = "WITH " + ME + ","
            + " changed AS (UPDATE chat_session s SET transfer_to_associate_id = NULL FROM me"
            + " WHERE s.chat_session_id = $1 AND s.status IN " + ACTIVE + " AND s.transfer_to_associate_id = me.associate_id"
            + " RETURNING s.chat_session_id AS id, me.full_name AS author, 'TransferRejected' AS special,"
            + " me.full_name AS param, me.full_name || ' declined the transfer' AS text)"
            + MessageStore.POST_SPECIAL;

    /** $1 session: back to the queue, without agent or transfer (its agent, or any agent, may do it). */
    static final String RESET = "WITH " + ME + ","
            + " changed AS (UPDATE chat_session s SET status = 'InQueue', user_associate_id = NULL,"
            + " transfer_to_associate_id = NULL FROM me WHERE s.chat_session_id = $1 AND s.status IN " + ACTIVE
            + " RETURNING s.chat_session_id AS id, me.full_name AS author, 'NewSession' AS special, '' AS param,"
            + " 'The chat is back in the queue' AS text)"
            + MessageStore.POST_SPECIAL;

    /**
     * $1 session: its agent ends the chat: {@code Closed}, {@code WhenEnded} now, a pending transfer dropped, and the
     * {@code ClosedByUser} message the customer's widget shows.
     */
    static final String CLOSE = "WITH " + ME + ","
            + " changed AS (UPDATE chat_session s SET status = 'Closed', transfer_to_associate_id = NULL,"
            + " when_ended = now(), when_idle = now() FROM me WHERE s.chat_session_id = $1 AND s.status IN " + ACTIVE
            + " AND s.user_associate_id = me.associate_id"
            + " RETURNING s.chat_session_id AS id, me.full_name AS author, 'ClosedByUser' AS special,"
            + " me.full_name AS param, me.full_name || ' ended the chat' AS text)"
            + MessageStore.POST_SPECIAL;

    private static final String STATE = "WITH " + ME + " SELECT s.status, coalesce(s.user_associate_id::text, '-'),"
            + " coalesce(s.transfer_to_associate_id::text, '-'),"
            + " " + SessionStore.CALLER.formatted(2, 3) + ","
            + " $4::text IS NULL OR EXISTS (" + ASSOCIATE_BY_ID_OR_NAME.replace("$1", "$4") + "),"
            + " EXISTS (SELECT 1 FROM me WHERE " + RESPONDS + "),"
            + " $4::text IS NULL OR EXISTS (SELECT 1 FROM (" + ASSOCIATE_BY_ID_OR_NAME.replace("$1", "$4") + ") other"
            + " WHERE " + TARGET_RESPONDS + ")"
            + " FROM chat_session s WHERE s.chat_session_id = $1";

    private final SqlClient pool;
    private final SessionStore sessions;
    private final MessageStore messages;

    public SessionActions(SqlClient pool, SessionStore sessions, MessageStore messages) {
        this.pool = pool;
        this.sessions = sessions;
        this.messages = messages;
    }

    /** POST …/{id}/Pickup. */
    public void pickup(RoutingContext ctx) {
        int id = PathIds.of(ctx);
        run(ctx, PICKUP, id, null, "pick up");
    }

    /** POST /api/v1/ChatSession/Pickup: the session that has waited longest; 404 when the queue is empty. */
    public void pickupFirst(RoutingContext ctx) {
        Principal me = Principal.of(ctx);
        var picked = pool.preparedQuery(PICKUP_FIRST).execute(Tuple.of(null, me.associateId(), me.name()))
                .compose(rows -> {
                    if (rows.iterator().hasNext()) {
                        return sessions.findSession(rows.iterator().next().getInteger(0));
                    }
                    return caller(me).map(known -> {
                        throw ApiException.notFound("queue.empty");
                    });
                });
        Respond.with(ctx, picked, found -> send(ctx, found));
    }

    /** POST …/{id}/TransferTo/{associate} (an id or a login name; 404 when no such agent). */
    public void transfer(RoutingContext ctx) {
        run(ctx, TRANSFER, PathIds.of(ctx), ctx.pathParam("associate"), "transfer");
    }

    /** POST …/{id}/AcceptTransfer. */
    public void accept(RoutingContext ctx) {
        run(ctx, ACCEPT, PathIds.of(ctx), null, "accept a transfer of");
    }

    /** POST …/{id}/RejectTransfer. */
    public void reject(RoutingContext ctx) {
        run(ctx, REJECT, PathIds.of(ctx), null, "reject a transfer of");
    }

    /** POST …/{id}/Reset. */
    public void reset(RoutingContext ctx) {
        run(ctx, RESET, PathIds.of(ctx), null, "reset");
    }

    /** POST …/{id}/Close. */
    public void close(RoutingContext ctx) {
        run(ctx, CLOSE, PathIds.of(ctx), null, "close");
    }

    /** POST …/{id}/Transcript?html=true|false: the conversation as text or HTML, in a JSON string. */
    public void transcript(RoutingContext ctx) {
        int id = PathIds.of(ctx);
        String html = Params.singleQueryParam(ctx, "html");
        if (html != null && !html.equalsIgnoreCase("true") && !html.equalsIgnoreCase("false")) {
            throw ApiException.badRequest("param.boolean", "html", Errors.echo(html));
        }
        boolean asHtml = "true".equalsIgnoreCase(html);
        Representation representation = Representation.of(ctx);
        var transcript = messages.conversation(id)
                .map(found -> found.orElseThrow(() -> ApiException.notFound("session.notFound", id)))
                .map(page -> Transcript.of(page.messages(), asHtml, representation.zone(), page.cut()));
        Respond.with(ctx, transcript, text -> Json.send(ctx, 200, "string", g -> g.writeString(text)));
    }

    private void run(RoutingContext ctx, String sql, int id, String to, String what) {
        Respond.with(ctx, execute(ctx, sql, id, to, what), found -> send(ctx, found));
    }

    /**
     * Runs the action; only when its guard did not hold, finds out why: the session or the agent to transfer
     * to does not exist (404), the caller is not an associate (403), or the state does not allow it (409).
     */
    private Future<Optional<ChatSessionEntity>> execute(RoutingContext ctx, String sql, int id, String to, String what) {
        Principal me = Principal.of(ctx);
        Tuple args = to == null ? Tuple.of(id, me.associateId(), me.name()) : Tuple.of(id, me.associateId(), me.name(), to);
        return pool.preparedQuery(sql).execute(args).compose(rows -> {
            if (rows.iterator().hasNext()) {
                return sessions.findSession(id);
            }
            return pool.preparedQuery(STATE).execute(Tuple.of(id, me.associateId(), me.name(), to)).map(state -> {
                if (!state.iterator().hasNext()) {
                    throw ApiException.notFound("session.notFound", id);
                }
                Row row = state.iterator().next();
                if (row.getInteger(3) == null) {
                    throw new ApiException(403, "Forbidden", "agent.notAssociate");
                }
                if (!row.getBoolean(4)) {
                    throw ApiException.notFound("associate.notFound", Errors.echo(to));
                }
                if (sql.equals(PICKUP) && "InQueue".equals(row.getString(0)) && !row.getBoolean(5)) {
                    throw new ApiException(403, "Forbidden", "topic.cannotRespond", id);
                }
                if (sql.equals(TRANSFER) && !row.getBoolean(6)) {
                    throw new ApiException(409, "Conflict", "topic.targetCannotRespond", Errors.echo(to), id);
                }
                throw new ApiException(409, "Conflict", "session.conflict", what, id, row.getString(0), row.getString(1),
                        row.getString(2));
            });
        });
    }

    /** Fails 403 when the caller is not an associate. */
    private Future<Void> caller(Principal me) {
        return pool.preparedQuery("SELECT " + SessionStore.CALLER.formatted(1, 2))
                .execute(Tuple.of(me.associateId(), me.name()))
                .map(rows -> {
                    if (rows.iterator().next().getValue(0) == null) {
                        throw new ApiException(403, "Forbidden", "agent.notAssociate");
                    }
                    return null;
                });
    }

    private static void send(RoutingContext ctx, Optional<ChatSessionEntity> found) {
        ChatSessionHandler.sendWithoutLinks(ctx, found.orElseThrow(() -> new IllegalStateException("the session vanished")));
    }
}
