package chatapi.message;

import chatapi.db.Rows;
import chatapi.db.Unavailable;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where chat messages are stored and read: the only SQL over {@code chat_message}. Inserts (a posted message,
 * and the fragment with which the lifecycle actions post their Special messages), pages of messages for an
 * answer, the wake-up query for many sessions at once, and a transcript's conversation. One prepared
 * statement per call.
 */
public final class MessageStore {

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

    /** Statuses in which a chat is over: its customer writes no more. */
    static final String ENDED = "('Closed', 'Finished', 'ClosedFromQueue', 'Deleted')";

    /**
     * Stores a message and updates its session (LastMessage, WhenIdle, FirstMessage when it has none)
     * in one statement, hence one transaction. No row when the session does not exist, or when $8 (only while
     * open: a customer's message) and the chat has ended. The insert trigger draws the id under the session's
     * row lock, so ids follow commit order per session, and tells the id of the session's message before this one
     * (V12; the last column, 0 for the first, -1 when not told: a schema before V12). Its NOTIFY trigger is told
     * to stay quiet: the {@link CommitNotifier} notifies once it has committed (V11 says why), with the time the
     * column before holds.
     */
    static final String INSERT_MESSAGE = "WITH s AS ("
            + " UPDATE chat_session SET last_message = $3, when_idle = now(),"
            + " first_message = CASE WHEN first_message = '' THEN $3 ELSE first_message END"
            + " WHERE chat_session_id = $1 AND (NOT $8::boolean OR status NOT IN " + ENDED + ")"
            + " AND set_config('chatapi.notify_after_commit', 'on', true) = 'on'"
            + " RETURNING chat_session_id)"
            + " INSERT INTO chat_message AS m (chat_session_id, type, message, author, read_by_customer,"
            + " special_type, special_param)"
            + " SELECT s.chat_session_id, $2, $3, $4, $5, $6, $7 FROM s"
            + " RETURNING " + ChatMessage.COLUMNS + ", (extract(epoch FROM clock_timestamp()) * 1000000)::bigint,"
            + " coalesce(nullif(current_setting('chatapi.previous_message_id', true), '')::int, -1)";

    /**
     * Posts a Special message for each row of a CTE named {@code changed} (columns id = chat_session_id, author,
     * special, param, text): the lifecycle actions end their statement with it, so that the state change and its
     * message are one transaction. Its insert trigger wakes the session's parked polls on every instance.
     */
    public static final String POST_SPECIAL = " INSERT INTO chat_message (chat_session_id, type, message, author,"
            + " special_type, special_param) SELECT id, 'Special', text, author, special, param FROM changed"
            + " RETURNING chat_session_id";

    /** The default of {@code maxMessagesPerAnswer}. */
    public static final int DEFAULT_MAX_MESSAGES = 1_000;

    private final SqlClient pool;
    private final int maxMessages;
    private final CommitNotifier notifier;

    /** A store that only reads (the wake-up's). */
    public MessageStore(SqlClient pool, int maxMessages) {
        this(pool, maxMessages, null);
    }

    /**
     * @param maxMessages most messages one answer (a GET, a wake-up, the Agents' GetChatMessages) carries
     * @param notifier    what tells the waiters of a stored message, on every instance
     */
    public MessageStore(SqlClient pool, int maxMessages, CommitNotifier notifier) {
        this.pool = pool;
        this.maxMessages = maxMessages;
        this.notifier = notifier;
    }

    /**
     * The first messages with id greater than {@code after}, ascending: at most {@code maxMessagesPerAnswer}
     * and about {@link #MAX_ANSWER_TEXT_BYTES} of text, so that the client continues from the last one it got.
     * Empty when the session does not exist.
     */
    public Future<Optional<List<ChatMessage>>> messagesAfter(int chatSessionId, int after) {
        return pool.preparedQuery(SELECT_MESSAGES_AFTER)
                .execute(Tuple.of(chatSessionId, after, maxMessages, MAX_ANSWER_TEXT_BYTES))
                .map(MessageStore::messages);
    }

    /** A page of messages, and whether it is full (more may follow its last message). */
    public record Page(List<ChatMessage> messages, boolean full) {
    }

    /** As {@link #messagesAfter(int, int)}, telling whether the page is full. */
    public Future<Optional<Page>> page(int chatSessionId, int after) {
        return messagesAfter(chatSessionId, after).map(found -> found.map(messages -> new Page(messages,
                messages.size() >= maxMessages || !messages.isEmpty() && textOf(messages) >= MAX_ANSWER_TEXT_BYTES)));
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
        return insertMessage(chatSessionId, m, false);
    }

    /**
     * The stored message, or empty when the session does not exist or, with {@code onlyWhileOpen} (a customer's
     * message), when its chat has ended ({@link #hasEnded} tells which).
     */
    public Future<Optional<ChatMessage>> insertMessage(int chatSessionId, NewChatMessage m, boolean onlyWhileOpen) {
        if (notifier == null) {
            throw new IllegalStateException("this message store only reads");
        }
        Object before = notifier.beforeInsert(chatSessionId);
        return pool.preparedQuery(INSERT_MESSAGE)
                .execute(Tuple.tuple(java.util.Arrays.asList(chatSessionId, m.type().name(), m.message(), m.author(),
                        m.readByCustomer(), m.specialType().name(), m.specialParam(), onlyWhileOpen)))
                .onFailure(e -> {
                    if (Unavailable.afterSending(e)) {
                        notifier.mayHaveCommitted(chatSessionId);
                    }
                })
                .map(rows -> Rows.first(rows).map(row -> {
                    long writtenAt = row.getLong(ChatMessage.COLUMN_COUNT);
                    ChatMessage stored;
                    try {
                        stored = ChatMessage.from(row, 0);
                    } catch (RuntimeException e) { // committed all the same: every instance is told to look
                        notifier.committed(chatSessionId, writtenAt);
                        throw e;
                    }
                    notifier.committed(stored, writtenAt, row.getInteger(ChatMessage.COLUMN_COUNT + 1), before);
                    return stored;
                }));
    }

    /** Whether the session exists and its chat has ended (empty when it does not exist). */
    public Future<Optional<Boolean>> hasEnded(int chatSessionId) {
        return pool.preparedQuery("SELECT status IN " + ENDED + " FROM chat_session WHERE chat_session_id = $1")
                .execute(Tuple.of(chatSessionId))
                .map(rows -> Rows.first(rows).map(row -> row.getBoolean(0)));
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

}
