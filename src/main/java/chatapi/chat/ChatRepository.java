package chatapi.chat;

import chatapi.http.ApiException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/** Where chat sessions and messages are read from PostgreSQL: one prepared statement per request. */
public final class ChatRepository {

    /**
     * The ChatSessionEntity in one round trip: the session and the related entities it needs, joined.
     * One statement per set of joined relations (at most 2^7), built once each; a relation not
     * needed keeps its columns as NULLs, so that the column layout never changes.
     */
    private static final Map<Integer, String> SELECT_SESSION = new ConcurrentHashMap<>();
    private static final List<Property> RELATIONS = Carrier.CHAT_SESSION.properties().stream()
            .filter(p -> p.kind() == Property.Kind.CARRIER).toList();

    /** What a message costs an answer: its text, author and special parameter, in bytes. */
    private static final String SIZE = "octet_length(<m>.message) + octet_length(<m>.author) + octet_length(<m>.special_param)";

    /**
     * The messages of session {@code <session>} after id {@code <after>}, oldest first, at most $3 of them and
     * no more than $4 bytes of text (the row that crosses it is the last one): what one answer may hold, with
     * {@code text_upto}, the bytes up to and including each row. Reads the index in order and stops there,
     * however long the history.
     */
    private static final String MESSAGES_PAGE = "SELECT * FROM ("
            + "SELECT m.*, sum(" + SIZE.replace("<m>", "m") + ") OVER (ORDER BY m.chat_message_id) AS text_upto"
            + " FROM chat_message m WHERE m.chat_session_id = <session> AND m.chat_message_id > <after>"
            + " ORDER BY m.chat_message_id LIMIT $3) page"
            + " WHERE page.text_upto - (" + SIZE.replace("<m>", "page") + ") < $4";

    /**
     * A page of the session's messages, with the session itself so that one round trip tells an absent
     * session (no row) from a session without newer messages (one row, message columns null).
     */
    static final String SELECT_MESSAGES_AFTER = "SELECT s.chat_session_id, " + ChatMessage.COLUMNS
            + " FROM chat_session s LEFT JOIN LATERAL ("
            + MESSAGES_PAGE.replace("<session>", "s.chat_session_id").replace("<after>", "$2") + ") m ON true"
            + " WHERE s.chat_session_id = $1"
            + " ORDER BY m.chat_message_id";

    /**
     * The wake-up query: for many sessions at once, a page of the messages after each session's own id. One
     * statement per batch of woken sessions, whatever the number of their waiters.
     */
    static final String SELECT_MESSAGES_AFTER_MANY = "SELECT " + ChatMessage.COLUMNS + ", m.text_upto"
            + " FROM unnest($1::int[], $2::int[]) AS w(chat_session_id, after)"
            + " CROSS JOIN LATERAL ("
            + MESSAGES_PAGE.replace("<session>", "w.chat_session_id").replace("<after>", "w.after") + ") m"
            + " ORDER BY m.chat_session_id, m.chat_message_id";

    /** Most text (messages, authors, special parameters) one answer carries (the message that crosses it is the last one): 1 MiB. */
    public static final int MAX_ANSWER_TEXT_BYTES = 1 << 20;

    /** Which of the sessions no longer exist (asked only for woken sessions without new messages). */
    static final String SELECT_GONE = "SELECT w.id FROM unnest($1::int[]) AS w(id)"
            + " WHERE NOT EXISTS (SELECT 1 FROM chat_session s WHERE s.chat_session_id = w.id)";

    /**
     * What a wake-up query found: new messages by session, the sessions whose page was full (more may follow
     * its last message), and the sessions that were deleted.
     */
    public record Woken(Map<Integer, List<ChatMessage>> messages, Set<Integer> full, Set<Integer> gone) {
    }

    /**
     * Stores a message and updates its session (LastMessage, WhenIdle, FirstMessage when it has none)
     * in one statement, hence one transaction. No row when the session does not exist. The insert
     * trigger draws the id under the session's row lock, so ids follow commit order per session.
     */
    static final String INSERT_MESSAGE = "WITH s AS ("
            + " UPDATE chat_session SET last_message = $3, when_idle = now(),"
            + " first_message = CASE WHEN first_message = '' THEN $3 ELSE first_message END"
            + " WHERE chat_session_id = $1 RETURNING chat_session_id)"
            + " INSERT INTO chat_message AS m (chat_session_id, type, message, author, read_by_customer,"
            + " special_type, special_param)"
            + " SELECT s.chat_session_id, $2, $3, $4, $5, $6, $7 FROM s"
            + " RETURNING " + ChatMessage.COLUMNS;

    /** Creates a session in the queue; no row when the topic does not exist. */
    static final String INSERT_SESSION = "INSERT INTO chat_session (topic_id, customer_alias, customer_host,"
            + " customer_name, customer_email, customer_phone, customer_consented, customer_company_name,"
            + " chatbot_is_active, status, when_requested, session_key, initial_queue_pos)"
            + " SELECT t.topic_id, $2, $3, $4, $5, $6, $7, $8, $9, 'InQueue', now(), $10,"
            + " (SELECT count(*) FROM chat_session WHERE status = 'InQueue') + 1"
            + " FROM chat_topic t WHERE t.topic_id = $1"
            + " RETURNING chat_session_id";

    private static final String DEFAULT_SESSION = defaultSessionStatement();

    /**
     * The associate who calls: by id (Basic, tickets), else by a token's login name. Format it with the
     * placeholders of the id and the name: {@code CALLER.formatted(1, 2)}.
     */
    static final String CALLER = "(SELECT associate_id FROM associate WHERE associate_id = $%1$d"
            + " OR ($%1$d IS NULL AND lower(name) = lower($%2$d)) LIMIT 1)";

    static final int SESSIONS_FOR_USER_LIMIT = 500;
    private static final String SESSIONS_FOR_USER = selectSessions((1 << RELATIONS.size()) - 1, "chat_session")
            + " WHERE s.status IN ('InQueue', 'CustomerLast', 'UserLast', 'RequestPosted')"
            + " AND (s.status = 'InQueue'"
            + " OR s.user_associate_id = " + CALLER.formatted(1, 2)
            + " OR s.transfer_to_associate_id = " + CALLER.formatted(1, 2) + ")"
            + " ORDER BY s.when_requested, s.chat_session_id LIMIT " + SESSIONS_FOR_USER_LIMIT;

    private static final String UPDATE_SESSION = "UPDATE chat_session SET "
            + String.join(", ", SavedChatSession.COLUMNS.stream()
                    .map(c -> c + " = $" + (SavedChatSession.COLUMNS.indexOf(c) + 2)).toList())
            + " WHERE chat_session_id = $1 RETURNING chat_session_id";

    private static final String UPDATE_SESSION_IF = UPDATE_SESSION.replace(" WHERE chat_session_id = $1",
            " WHERE chat_session_id = $1"
            + " AND ($" + (SavedChatSession.COLUMNS.size() + 2) + "::timestamptz IS NULL"
            + " OR date_trunc('second', updated) <= $" + (SavedChatSession.COLUMNS.size() + 2) + ")"
            + " AND ($" + (SavedChatSession.COLUMNS.size() + 3) + "::timestamptz IS NULL"
            + " OR updated = $" + (SavedChatSession.COLUMNS.size() + 3) + ")");

    private static final String INSERT_SAVED_SESSION = "INSERT INTO chat_session ("
            + String.join(", ", SavedChatSession.COLUMNS) + ", session_key, when_requested, initial_queue_pos) VALUES ("
            + String.join(", ", java.util.stream.IntStream.rangeClosed(1, SavedChatSession.COLUMNS.size() + 1)
                    .mapToObj(i -> "$" + i).toList())
            + ", now(), (SELECT count(*) FROM chat_session WHERE status = 'InQueue') + 1) RETURNING chat_session_id";

    /** The default of {@code maxMessagesPerAnswer}. */
    public static final int DEFAULT_MAX_MESSAGES = 1_000;

    private final SqlClient pool;
    private final int maxMessages;

    public ChatRepository(SqlClient pool) {
        this(pool, DEFAULT_MAX_MESSAGES);
    }

    /** @param maxMessages most messages one answer (a GET, a wake-up, the Agents' GetChatMessages) carries */
    public ChatRepository(SqlClient pool, int maxMessages) {
        this.pool = pool;
        this.maxMessages = maxMessages;
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
     * The sessions an agent is concerned with (ChatSessionsForUser): the open ones that wait in the queue,
     * are served by the agent or are being transferred to the agent, oldest request first, at most
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
            stored = pool.preparedQuery(INSERT_SAVED_SESSION).execute(Tuple.tuple(values));
        } else {
            values.add(0, id);
            stored = pool.preparedQuery(UPDATE_SESSION).execute(Tuple.tuple(values));
        }
        return stored.map(rows -> first(rows).map(row -> row.getInteger(0)))
                .recover(ChatRepository::unknownReference);
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
        values.add(unmodifiedSince);
        values.add(expected);
        return pool.preparedQuery(UPDATE_SESSION_IF).execute(Tuple.tuple(values))
                .recover(ChatRepository::unknownReference)
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
                .map(rows -> first(rows).map(ChatSessionEntity::new));
    }

    /**
     * The first messages with id greater than {@code after}, ascending: at most {@code maxMessagesPerAnswer}
     * and about {@link #MAX_ANSWER_TEXT_BYTES} of text, so that the client continues from the last one it got.
     * Empty when the session does not exist.
     */
    public Future<Optional<List<ChatMessage>>> messagesAfter(int chatSessionId, int after) {
        return pool.preparedQuery(SELECT_MESSAGES_AFTER)
                .execute(Tuple.of(chatSessionId, after, maxMessages, MAX_ANSWER_TEXT_BYTES))
                .map(ChatRepository::messages);
    }

    /** Most messages and text a transcript holds: a long history costs bounded memory even there. */
    static final int TRANSCRIPT_MESSAGES = 10_000;
    static final int TRANSCRIPT_TEXT_BYTES = 8 << 20;

    /** The first messages of a conversation, and whether it goes on after them. */
    public record Conversation(List<ChatMessage> messages, boolean cut) {
    }

    /**
     * The session's messages, ascending, for a transcript: at most {@value #TRANSCRIPT_MESSAGES} and about
     * 8 MiB of text. Empty when the session does not exist.
     */
    public Future<Optional<Conversation>> conversation(int chatSessionId) {
        return pool.preparedQuery(SELECT_MESSAGES_AFTER)
                .execute(Tuple.of(chatSessionId, 0, TRANSCRIPT_MESSAGES + 1, TRANSCRIPT_TEXT_BYTES))
                .compose(rows -> {
                    Optional<List<ChatMessage>> found = messages(rows);
                    if (found.isEmpty()) {
                        return Future.succeededFuture(Optional.<Conversation>empty());
                    }
                    List<ChatMessage> all = found.get();
                    if (all.size() > TRANSCRIPT_MESSAGES) {
                        return Future.succeededFuture(Optional.of(new Conversation(all.subList(0, TRANSCRIPT_MESSAGES), true)));
                    }
                    if (all.isEmpty() || textOf(all) < TRANSCRIPT_TEXT_BYTES) {
                        return Future.succeededFuture(Optional.of(new Conversation(all, false)));
                    }
                    // The text budget ended the page: is there anything after its last message?
                    return pool.preparedQuery(ANY_MESSAGE_AFTER)
                            .execute(Tuple.of(chatSessionId, all.get(all.size() - 1).chatMessageId()))
                            .map(more -> Optional.of(new Conversation(all, more.iterator().next().getBoolean(0))));
                });
    }

    private static final String ANY_MESSAGE_AFTER = "SELECT EXISTS (SELECT 1 FROM chat_message"
            + " WHERE chat_session_id = $1 AND chat_message_id > $2)";

    /** The bytes of text a page of messages holds, as the page's budget counts them. */
    private static long textOf(List<ChatMessage> messages) {
        long bytes = 0;
        for (ChatMessage m : messages) {
            bytes += utf8(m.message()) + utf8(m.author()) + utf8(m.specialParam());
        }
        return bytes;
    }

    private static int utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** The stored message, or empty when the session does not exist. */
    public Future<Optional<ChatMessage>> insertMessage(int chatSessionId, NewChatMessage m) {
        return pool.preparedQuery(INSERT_MESSAGE)
                .execute(Tuple.of(chatSessionId, m.type().name(), m.message(), m.author(), m.readByCustomer(),
                        m.specialType().name(), m.specialParam()))
                .map(rows -> first(rows).map(row -> ChatMessage.from(row, 0)));
    }

    /** The new session's id (with a fresh session key), or empty when the topic does not exist. */
    public Future<Optional<Integer>> insertSession(NewChatSession s) {
        String sessionKey = SessionKeys.next();
        return pool.preparedQuery(INSERT_SESSION)
                .execute(Tuple.tuple(List.of(s.topicId(), s.customerAlias(), s.customerHost(), s.customerName(),
                        s.customerEmail(), s.customerPhone(), s.customerConsented(), s.customerCompanyName(),
                        s.chatbotIsActive(), sessionKey)))
                .map(rows -> first(rows).map(row -> row.getInteger(0)));
    }

    /**
     * For each session (key) the first messages with id greater than its value, ascending, bounded as
     * {@link #messagesAfter(int, int)} bounds them (sessions without any are absent), and which of the
     * sessions without any no longer exist.
     */
    public Future<Woken> messagesAfter(Map<Integer, Integer> afterBySession) {
        Integer[] sessions = new Integer[afterBySession.size()];
        Integer[] afters = new Integer[sessions.length];
        int i = 0;
        for (Map.Entry<Integer, Integer> e : afterBySession.entrySet()) {
            sessions[i] = e.getKey();
            afters[i++] = e.getValue();
        }
        return pool.preparedQuery(SELECT_MESSAGES_AFTER_MANY)
                .execute(Tuple.tuple().addArrayOfInteger(sessions).addArrayOfInteger(afters)
                        .addInteger(maxMessages).addInteger(MAX_ANSWER_TEXT_BYTES))
                .compose(rows -> {
                    Map<Integer, List<ChatMessage>> bySession = new HashMap<>();
                    Set<Integer> full = new HashSet<>();
                    for (Row row : rows) {
                        ChatMessage m = ChatMessage.from(row, 0);
                        List<ChatMessage> page = bySession.computeIfAbsent(m.chatSessionId(), id -> new ArrayList<>());
                        page.add(m);
                        if (page.size() >= maxMessages || row.getLong(ChatMessage.COLUMN_COUNT) >= MAX_ANSWER_TEXT_BYTES) {
                            full.add(m.chatSessionId());
                        }
                    }
                    // A session woken without anything new may have been deleted (its delete notifies too):
                    // a second, small query, only then, tells.
                    Integer[] quiet = afterBySession.keySet().stream().filter(id -> !bySession.containsKey(id))
                            .toArray(Integer[]::new);
                    if (quiet.length == 0) {
                        return Future.succeededFuture(new Woken(bySession, full, Set.of()));
                    }
                    return pool.preparedQuery(SELECT_GONE).execute(Tuple.tuple().addArrayOfInteger(quiet))
                            .map(gone -> {
                                Set<Integer> ids = new HashSet<>();
                                gone.forEach(row -> ids.add(row.getInteger(0)));
                                return new Woken(bySession, full, ids);
                            });
                });
    }

    private static Optional<List<ChatMessage>> messages(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Optional.empty();
        }
        List<ChatMessage> messages = new ArrayList<>(rows.size());
        for (Row row : rows) {
            if (row.getValue(1) != null) {
                messages.add(ChatMessage.from(row, 1));
            }
        }
        return Optional.of(messages);
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    }

    /** The statement for a selection: it joins only the relations the selection includes. */
    static String sessionStatement(Select select) {
        return SELECT_SESSION.computeIfAbsent(joinMask(select), ChatRepository::selectSession);
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
            } else {
                columns.add(session.alias() + "." + p.column());
            }
        }
        // After the carrier's columns, which CarrierWriter reads by position: when the session last changed.
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
        return selectSessions(0, "(SELECT " + values + ")");
    }
}
