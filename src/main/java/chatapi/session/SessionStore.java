package chatapi.session;

import chatapi.carrier.Carrier;
import chatapi.carrier.Property;
import chatapi.carrier.Select;
import chatapi.http.ApiException;
import chatapi.session.query.SessionQuery;
import chatapi.db.Rows;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where chat sessions are stored and read: the entity's reads, lists and writes over {@code chat_session}, one
 * prepared statement per call. The lifecycle's guarded state changes are {@link SessionActions}' statements; a
 * posted message updates its session's LastMessage in the same statement that inserts it (MessageStore).
 */
public final class SessionStore {

    /**
     * The ChatSessionEntity in one round trip: the session and the related entities it needs, joined.
     * One statement per set of joined relations (at most 2^7), built once each; a relation not
     * needed keeps its columns as NULLs, so that the column layout never changes.
     */
    private static final Map<Integer, String> SELECT_SESSION = new ConcurrentHashMap<>();
    private static final List<Property> RELATIONS = Carrier.CHAT_SESSION.properties().stream()
            .filter(p -> p.kind() == Property.Kind.CARRIER).toList();


    /** Creates a session in the queue; no row when the topic does not exist. */
    static final String INSERT_SESSION = "INSERT INTO chat_session (topic_id, customer_alias, customer_host,"
            + " customer_name, customer_email, customer_phone, customer_consented, customer_company_name,"
            + " chatbot_is_active, status, when_requested, session_key, initial_queue_pos)"
            + " SELECT t.topic_id, $2, $3, $4, $5, $6, $7, $8, $9, $11, now(), $10,"
            + " CASE WHEN $11 = 'InQueue' THEN (SELECT count(*) FROM chat_session WHERE status = 'InQueue') + 1 ELSE 0 END"
            + " FROM chat_topic t WHERE t.topic_id = $1"
            + " RETURNING chat_session_id";

    private static final String DEFAULT_SESSION = defaultSessionStatement();

    /**
     * The associate who calls: by id (Basic, tickets), else by a token's login name. Format it with the
     * placeholders of the id and the name: {@code CALLER.formatted(1, 2)}.
     */
    static final String CALLER = "(SELECT associate_id FROM associate WHERE (associate_id = $%1$d"
            + " OR ($%1$d IS NULL AND lower(name) = lower($%2$d))) AND NOT deleted LIMIT 1)";

    static final int SESSIONS_FOR_USER_LIMIT = 500;
    private static final String SESSIONS_FOR_USER = selectSessions((1 << RELATIONS.size()) - 1, "chat_session")
            + " WHERE s.status IN ('InQueue', 'CustomerLast', 'UserLast', 'RequestPosted')"
            + " AND (s.status = 'InQueue' AND s.topic_id IN (SELECT ta.topic_id FROM chat_topic_agent ta"
            + " JOIN chat_presence p ON p.associate_id = ta.associate_id"
            + " WHERE ta.associate_id = " + CALLER.formatted(1, 2) + " AND ta.can_respond AND p.present)"
            + " OR s.user_associate_id = " + CALLER.formatted(1, 2)
            + " OR s.transfer_to_associate_id = " + CALLER.formatted(1, 2) + ")"
            + " ORDER BY s.when_requested, s.chat_session_id LIMIT " + SESSIONS_FOR_USER_LIMIT;

    /**
     * A typing flag written with the rest of the entity (PUT, PATCH, SaveChatSessionEntity) keeps its time when
     * it was set already, starts one ({@code $<timeout>} seconds) when it is newly set, and loses it when cleared:
     * rewriting an entity as it was read does not keep anyone "typing".
     */
    private static String typingTimes(int timeoutParam) {
        String flags = "$" + (SavedChatSession.COLUMNS.indexOf("flags") + 2);
        return ", customer_typing_until = " + typingTime(flags, 1, "customer_typing_until", timeoutParam)
                + ", user_typing_until = " + typingTime(flags, 2, "user_typing_until", timeoutParam);
    }

    private static String typingTime(String flags, int bit, String column, int timeoutParam) {
        return "CASE WHEN " + flags + "::integer & " + bit + " = 0 THEN NULL"
                + " WHEN chat_session.flags & " + bit + " = " + bit + " THEN chat_session." + column
                + " ELSE now() + $" + timeoutParam + "::integer * interval '1 second' END";
    }

    private static final String UPDATE_SESSION = "UPDATE chat_session SET "
            + String.join(", ", SavedChatSession.COLUMNS.stream()
                    .map(c -> c + " = $" + (SavedChatSession.COLUMNS.indexOf(c) + 2)).toList())
            + typingTimes(SavedChatSession.COLUMNS.size() + 2)
            + " WHERE chat_session_id = $1 RETURNING chat_session_id";

    private static final String UPDATE_SESSION_IF = UPDATE_SESSION.replace(" WHERE chat_session_id = $1",
            " WHERE chat_session_id = $1"
            + " AND ($" + (SavedChatSession.COLUMNS.size() + 3) + "::timestamptz IS NULL"
            + " OR date_trunc('second', updated) <= $" + (SavedChatSession.COLUMNS.size() + 3) + ")"
            + " AND ($" + (SavedChatSession.COLUMNS.size() + 4) + "::timestamptz IS NULL"
            + " OR updated = $" + (SavedChatSession.COLUMNS.size() + 4) + ")");

    /**
     * A typing update: sets ($3) or clears one typing bit ($2: 1 the customer's, 2 the agent's) and its time,
     * $4 seconds ahead; the rest of the session stays as it is.
     */
    private static final String UPDATE_TYPING = "UPDATE chat_session SET"
            + " flags = CASE WHEN $3 THEN flags | $2 ELSE flags & ~$2 END,"
            + " customer_typing_until = CASE WHEN $2 <> 1 THEN customer_typing_until"
            + " WHEN $3 THEN now() + $4::integer * interval '1 second' END,"
            + " user_typing_until = CASE WHEN $2 <> 2 THEN user_typing_until"
            + " WHEN $3 THEN now() + $4::integer * interval '1 second' END"
            + " WHERE chat_session_id = $1 RETURNING chat_session_id";

    private static final String SELECT_STATES = "SELECT " + SessionState.COLUMNS
            + " FROM chat_session s LEFT JOIN associate a ON a.associate_id = s.user_associate_id"
            + " WHERE s.chat_session_id = ANY($1)";

    private static final String INSERT_SAVED_SESSION = "INSERT INTO chat_session ("
            + String.join(", ", SavedChatSession.COLUMNS) + ", session_key, when_requested, initial_queue_pos,"
            + " customer_typing_until, user_typing_until) VALUES ("
            + String.join(", ", java.util.stream.IntStream.rangeClosed(1, SavedChatSession.COLUMNS.size() + 1)
                    .mapToObj(i -> "$" + i).toList())
            + ", now(), (SELECT count(*) FROM chat_session WHERE status = 'InQueue') + 1, "
            + newTypingTime(1) + ", " + newTypingTime(2) + ") RETURNING chat_session_id";

    /** A new session's typing flag, when set, lasts the timeout (the last parameter) from now. */
    private static String newTypingTime(int bit) {
        return "CASE WHEN $" + (SavedChatSession.COLUMNS.indexOf("flags") + 1) + "::integer & " + bit + " = " + bit
                + " THEN now() + $" + (SavedChatSession.COLUMNS.size() + 2) + "::integer * interval '1 second' END";
    }


    /** Flags as they read now: a typing flag whose time has passed is cleared (sql/V7__live_sessions.sql). */
    static final String LIVE_FLAGS = "chat_session_live_flags(s.flags, s.customer_typing_until, s.user_typing_until)";

    private final SqlClient pool;
    private final int typingTimeoutSeconds;

    public SessionStore(SqlClient pool) {
        this(pool, 6);
    }

    /** @param typingTimeoutSeconds how long a typing flag lasts unless it is set again */
    public SessionStore(SqlClient pool, int typingTimeoutSeconds) {
        this.pool = pool;
        this.typingTimeoutSeconds = typingTimeoutSeconds;
    }

    /** The sessions' states (for session events), by id; a session that does not exist is absent. */
    public Future<Map<Integer, SessionState>> states(java.util.Collection<Integer> ids) {
        return pool.preparedQuery(SELECT_STATES).execute(Tuple.of(ids.toArray(Integer[]::new)))
                .map(rows -> {
                    Map<Integer, SessionState> states = new java.util.HashMap<>();
                    rows.forEach(row -> states.put(row.getInteger(0), SessionState.from(row)));
                    return states;
                });
    }

    /** The topics the agent responds in (its queue follows them). */
    public Future<java.util.Set<Integer>> respondingTopics(Integer associateId, String name) {
        return pool.preparedQuery("SELECT ta.topic_id FROM chat_topic_agent ta WHERE ta.can_respond"
                        + " AND ta.associate_id = " + CALLER.formatted(1, 2))
                .execute(Tuple.of(associateId, name)).map(rows -> {
                    java.util.Set<Integer> topics = new java.util.HashSet<>();
                    rows.forEach(row -> topics.add(row.getInteger(0)));
                    return topics;
                });
    }

    /** One session's state, empty when it does not exist. */
    public Future<Optional<SessionState>> state(int id) {
        return states(List.of(id)).map(found -> Optional.ofNullable(found.get(id)));
    }

    /**
     * Sets or clears one party's typing flag ({@link chatapi.carrier.ChatSessionFlags#CUSTOMER_IS_TYPING} or
     * {@link chatapi.carrier.ChatSessionFlags#USER_IS_TYPING}); false when the session does not exist.
     */
    public Future<Boolean> setTyping(int id, int flag, boolean typing) {
        return pool.preparedQuery(UPDATE_TYPING).execute(Tuple.of(id, flag, typing, typingTimeoutSeconds))
                .map(rows -> rows.size() > 0);
    }

    public Future<Optional<ChatSessionEntity>> findSession(int chatSessionId) {
        return findSession(chatSessionId, Select.ALL);
    }

    /** A new, unsaved session with its default values (CreateDefaultChatSessionEntity). */
    public Future<ChatSessionEntity> defaultSession() {
        return pool.preparedQuery(DEFAULT_SESSION).execute()
                .map(rows -> new ChatSessionEntity(rows.iterator().next()));
    }

    /**
     * The sessions an agent is concerned with (ChatSessionsForUser): the open ones that wait in the queue of a
     * topic it responds in while it is present, are served by the agent or are being transferred to the agent,
     * oldest request first, at most
     * {@value #SESSIONS_FOR_USER_LIMIT}. The agent is its associate id, or for a token without one its name.
     */
    public Future<List<ChatSessionEntity>> sessionsForUser(Integer associateId, String name) {
        return pool.preparedQuery(SESSIONS_FOR_USER).execute(Tuple.of(associateId, name))
                .map(rows -> {
                    List<ChatSessionEntity> sessions = new ArrayList<>(rows.size());
                    rows.forEach(row -> sessions.add(new ChatSessionEntity(row)));
                    return sessions;
                });
    }

    /**
     * Stores a sent entity (SaveChatSessionEntity): a new session in the queue when its id is 0, else the
     * update of that session. The stored id, or empty when a non-zero id does not exist; a related id that
     * does not exist is a 400 naming it.
     */
    public Future<Optional<Integer>> saveSession(SavedChatSession session) {
        int id = session.id();
        List<Object> values = session.values();
        Future<RowSet<Row>> stored;
        if (id == 0) {
            values.add(SessionKeys.next());
            values.add(typingTimeoutSeconds);
            stored = pool.preparedQuery(INSERT_SAVED_SESSION).execute(Tuple.tuple(values));
        } else {
            values.add(0, id);
            values.add(typingTimeoutSeconds);
            stored = pool.preparedQuery(UPDATE_SESSION).execute(Tuple.tuple(values));
        }
        return stored.map(rows -> Rows.first(rows).map(row -> row.getInteger(0)))
                .recover(SessionStore::unknownReference);
    }

    /**
     * Updates a session (PUT, PATCH) under preconditions: unchanged since {@code unmodifiedSince} (the
     * If-Unmodified-Since header, to the second; 412 otherwise) and, for PATCH, still as it was read
     * ({@code expected}, its {@code updated}; 409 otherwise). Each may be null. Empty when the session does
     * not exist. The check and the update are one statement.
     */
    public Future<Optional<Integer>> updateSession(SavedChatSession session, OffsetDateTime unmodifiedSince,
            OffsetDateTime expected) {
        List<Object> values = session.values();
        values.add(0, session.id());
        values.add(typingTimeoutSeconds);
        values.add(unmodifiedSince);
        values.add(expected);
        return pool.preparedQuery(UPDATE_SESSION_IF).execute(Tuple.tuple(values))
                .recover(SessionStore::unknownReference)
                .compose(rows -> {
                    if (rows.size() > 0) {
                        return Future.succeededFuture(Optional.of(session.id()));
                    }
                    return pool.preparedQuery("SELECT date_trunc('second', updated) > $2 FROM chat_session"
                                    + " WHERE chat_session_id = $1")
                            .execute(Tuple.of(session.id(), unmodifiedSince))
                            .map(found -> {
                                if (found.size() == 0) {
                                    return Optional.<Integer>empty();
                                }
                                if (Boolean.TRUE.equals(found.iterator().next().getBoolean(0))) {
                                    throw new ApiException(412, "PreconditionFailed", "session.modifiedSince", session.id());
                                }
                                throw new ApiException(409, "Conflict", "session.changedMeanwhile", session.id());
                            });
                });
    }

    /** Deletes a session and its messages; false when it did not exist. */
    public Future<Boolean> deleteSession(int chatSessionId) {
        return pool.preparedQuery("DELETE FROM chat_session WHERE chat_session_id = $1")
                .execute(Tuple.of(chatSessionId))
                .map(rows -> rows.rowCount() > 0);
    }

    /** A foreign key violation names the related object whose id does not exist: a 400, not a 500. */
    private static <T> Future<T> unknownReference(Throwable failure) {
        if (failure instanceof PgException pg && "23503".equals(pg.getSqlState()) && pg.getConstraint() != null) {
            for (Property p : Carrier.CHAT_SESSION.properties()) {
                if (pg.getConstraint().equals("chat_session_" + p.column() + "_fkey")) {
                    String detail = pg.getDetail() == null ? "" : pg.getDetail().replaceAll("\\D+", " ").trim();
                    return Future.failedFuture(ApiException.badRequest("reference.unknown", p.name(), detail));
                }
            }
        }
        return Future.failedFuture(failure);
    }

    /**
     * A page of sessions for a list query (GET ChatSession, a topic's sessions): {@code top + 1} rows at most,
     * so that the caller can tell whether there is a next page.
     */
    public Future<List<ChatSessionEntity>> listSessions(SessionQuery query, Select select) {
        List<Object> values = new ArrayList<>(query.params());
        values.add(query.top() + 1);
        values.add(query.skip());
        String sql = selectSessions(joinMask(select), Carrier.CHAT_SESSION.table()) + " WHERE " + query.where()
                + " ORDER BY " + query.orderBy() + " LIMIT $" + (values.size() - 1) + " OFFSET $" + values.size();
        return pool.preparedQuery(sql).execute(Tuple.tuple(values)).map(rows -> {
            List<ChatSessionEntity> sessions = new ArrayList<>(rows.size());
            rows.forEach(row -> sessions.add(new ChatSessionEntity(row)));
            return sessions;
        });
    }

    /** Whether the chat topic exists. */
    public Future<Boolean> topicExists(int topicId) {
        return pool.preparedQuery("SELECT 1 FROM chat_topic WHERE topic_id = $1").execute(Tuple.of(topicId))
                .map(rows -> rows.size() > 0);
    }

    /** The entity with the relations {@code select} needs. */
    public Future<Optional<ChatSessionEntity>> findSession(int chatSessionId, Select select) {
        return pool.preparedQuery(sessionStatement(select))
                .execute(Tuple.of(chatSessionId))
                .map(rows -> Rows.first(rows).map(ChatSessionEntity::new));
    }

    /** The new session's id (with a fresh session key), or empty when the topic does not exist. */
    public Future<Optional<Integer>> insertSession(NewChatSession s) {
        String sessionKey = SessionKeys.next();
        return pool.preparedQuery(INSERT_SESSION)
                .execute(Tuple.tuple(List.of(s.topicId(), s.customerAlias(), s.customerHost(), s.customerName(),
                        s.customerEmail(), s.customerPhone(), s.customerConsented(), s.customerCompanyName(),
                        s.chatbotIsActive(), sessionKey, s.storedStatus())))
                .map(rows -> Rows.first(rows).map(row -> row.getInteger(0)));
    }


    /** The statement for a selection: it joins only the relations the selection includes. */
    public static String sessionStatement(Select select) {
        return SELECT_SESSION.computeIfAbsent(joinMask(select), SessionStore::selectSession);
    }

    /** Which relations a selection needs joined: bit i for {@code RELATIONS.get(i)}. */
    private static int joinMask(Select select) {
        int joins = 0;
        for (int i = 0; i < RELATIONS.size(); i++) {
            if (select.includes(RELATIONS.get(i).name())) {
                joins |= 1 << i;
            }
        }
        return joins;
    }

    /** Builds a session statement from the carrier catalogue; the column order is what CarrierWriter reads. */
    private static String selectSession(int joinMask) {
        return selectSessions(joinMask, Carrier.CHAT_SESSION.table()) + " WHERE s."
                + Carrier.CHAT_SESSION.key().column() + " = $1";
    }

    /** The entity's columns and joins over {@code from} (a table or a subquery), aliased {@code s}. */
    private static String selectSessions(int joinMask, String from) {
        Carrier session = Carrier.CHAT_SESSION;
        StringJoiner columns = new StringJoiner(", ");
        StringBuilder joins = new StringBuilder();
        for (Property p : session.properties()) {
            if (p.kind() == Property.Kind.CARRIER && (joinMask & (1 << RELATIONS.indexOf(p))) == 0) {
                p.nested().properties().forEach(np -> columns.add("NULL"));
            } else if (p.kind() == Property.Kind.CARRIER) {
                Carrier nested = p.nested();
                nested.properties().forEach(np -> columns.add(nested.alias() + "." + np.column()));
                joins.append(" LEFT JOIN ").append(nested.table()).append(' ').append(nested.alias())
                        .append(" ON ").append(nested.alias()).append('.').append(nested.key().column())
                        .append(" = ").append(session.alias()).append('.').append(p.column());
            } else if (p.kind() == Property.Kind.FLAGS) { // typing flags read as cleared once their time passed
                columns.add(LIVE_FLAGS);
            } else {
                columns.add(session.alias() + "." + p.column());
            }
        }
        // After the carrier's columns, which CarrierWriter reads by position: the flags as they read now (the
        // ETag's) and when the session last changed.
        columns.add(LIVE_FLAGS);
        columns.add(session.alias() + ".updated");
        return "SELECT " + columns + " FROM " + from + ' ' + session.alias() + joins;
    }

    /**
     * A session that is not stored: id 0, topic 0, empty strings, zero numbers, no relations, in the queue,
     * requested now. Read through the same columns as a stored one, so that it is written the same way.
     */
    private static String defaultSessionStatement() {
        StringJoiner values = new StringJoiner(", ");
        for (Property p : Carrier.CHAT_SESSION.properties()) {
            String value = switch (p.kind()) {
                case CARRIER -> "NULL::integer";
                case STRING -> p.name().equals("Status") ? "'InQueue'" : "''";
                case INT, FLAGS -> "0";
                case BOOL -> "false";
                case DATETIME -> p.name().equals("WhenRequested") ? "now()" : "NULL::timestamptz";
                default -> throw new IllegalStateException("no default for " + p.name());
            };
            values.add(value + " AS " + p.column());
        }
        values.add("now() AS updated");
        values.add("NULL::timestamptz AS customer_typing_until");
        values.add("NULL::timestamptz AS user_typing_until");
        return selectSessions(0, "(SELECT " + values + ")");
    }
}
