package chatapi.topic;

import chatapi.carrier.Carrier;
import chatapi.db.Rows;
import chatapi.http.ApiException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Where chat topics and their agents' rights are stored and read: every statement over chat_topic and chat_topic_agent. */
final class TopicStore {

    private static final String COLUMNS = TopicField.ALL.stream().map(f -> "t." + f.column())
            .collect(Collectors.joining(", "));
    private static final String SELECT = "SELECT " + COLUMNS + " FROM chat_topic t";
    private static final String SELECT_ONE = SELECT + " WHERE t.topic_id = $1";

    /** A parameter per writable property, jsonb ones cast. */
    private static String placeholders(int first) {
        return IntStream.range(0, TopicField.WRITABLE.size())
                .mapToObj(i -> "$" + (first + i) + (TopicField.WRITABLE.get(i).kind() == TopicField.Kind.OBJECT ? "::jsonb" : ""))
                .collect(Collectors.joining(", "));
    }

    private static final String INSERT = "INSERT INTO chat_topic ("
            + TopicField.WRITABLE.stream().map(TopicField::column).collect(Collectors.joining(", "))
            + ") VALUES (" + placeholders(1) + ") RETURNING topic_id";

    private static final String UPDATE = "UPDATE chat_topic SET ("
            + TopicField.WRITABLE.stream().map(TopicField::column).collect(Collectors.joining(", "))
            + ") = (" + placeholders(2) + ") WHERE topic_id = $1 RETURNING topic_id";

    /**
     * The caller as an associate: id, administrator, and its rights in topic $3 (null when it has none): by
     * id (Basic, tickets), else by a token's login name.
     */
    private static final String CALLER = "SELECT a.associate_id, a.is_administrator, ta.can_listen, ta.can_respond,"
            + " ta.can_manage, ta.can_notify FROM associate a"
            + " LEFT JOIN chat_topic_agent ta ON ta.associate_id = a.associate_id AND ta.topic_id = $3"
            + " WHERE (a.associate_id = $1 OR ($1 IS NULL AND lower(a.name) = lower($2))) AND NOT a.deleted LIMIT 1";

    /** The topics the caller has any role in (ChatTopicsForUser), by id. */
    private static final String FOR_ASSOCIATE = SELECT + " JOIN chat_topic_agent ta ON ta.topic_id = t.topic_id"
            + " WHERE ta.associate_id = $1 AND (ta.can_listen OR ta.can_respond OR ta.can_manage OR ta.can_notify)"
            + " ORDER BY t.topic_id";

    static final String ASSOCIATE_COLUMNS = Carrier.ASSOCIATE.properties().stream().map(p -> "a." + p.column())
            .collect(Collectors.joining(", "));
    private static final String AGENTS = "SELECT ta.topic_id, ta.can_listen, ta.can_respond, ta.can_manage,"
            + " ta.can_notify, " + ASSOCIATE_COLUMNS
            + " FROM chat_topic_agent ta JOIN associate a ON a.associate_id = ta.associate_id WHERE ta.topic_id = $1";
    private static final String AGENT = AGENTS + " AND a.associate_id = $2";

    /**
     * An associate (not deleted) by login name ($1, any case) or id ($2, null when the text is no id), the id
     * first when both match; with whether it is an administrator and whether it manages topic $3.
     */
    private static final String ASSOCIATE = "SELECT a.associate_id, a.is_administrator,"
            + " coalesce((SELECT ta.can_manage FROM chat_topic_agent ta WHERE ta.topic_id = $3"
            + " AND ta.associate_id = a.associate_id), false)"
            + " FROM associate a WHERE (lower(a.name) = lower($1) OR a.associate_id = $2) AND NOT a.deleted"
            + " ORDER BY a.associate_id = $2 DESC NULLS LAST LIMIT 1";

    private static final String UPSERT_AGENT = "INSERT INTO chat_topic_agent (topic_id, associate_id, can_listen,"
            + " can_respond, can_manage, can_notify) VALUES ($1, $2, $3, $4, $5, $6)"
            + " ON CONFLICT (topic_id, associate_id) DO UPDATE SET can_listen = $3, can_respond = $4, can_manage = $5,"
            + " can_notify = $6";

    static final String USER_AGENTS = "SELECT " + ASSOCIATE_COLUMNS + " FROM associate a WHERE NOT a.deleted"
            + " ORDER BY a.group_idx, a.name";

    private final SqlClient pool;

    TopicStore(SqlClient pool) {
        this.pool = pool;
    }

    /** A topic that is not stored: id 0, empty texts, zeros, false, no nested objects. */
    private static final String DEFAULT = "SELECT " + TopicField.ALL.stream().map(f -> switch (f.kind()) {
        case ID, INT -> "0";
        case TEXT -> "''";
        case BOOL -> "false";
        case DATETIME -> "NULL::timestamptz";
        case OBJECT -> "NULL::jsonb";
        default -> throw new IllegalStateException(f.name());
    } + " AS " + f.column()).collect(Collectors.joining(", "));

    Future<ChatTopicEntity> defaultTopic() {
        return pool.preparedQuery(DEFAULT).execute().map(rows -> new ChatTopicEntity(rows.iterator().next()));
    }

    Future<Optional<ChatTopicEntity>> find(int id) {
        return pool.preparedQuery(SELECT_ONE).execute(Tuple.of(id)).map(rows -> Rows.first(rows).map(ChatTopicEntity::new));
    }

    Future<List<ChatTopicEntity>> forAssociate(int associateId) {
        return pool.preparedQuery(FOR_ASSOCIATE).execute(Tuple.of(associateId)).map(rows -> {
            List<ChatTopicEntity> topics = new ArrayList<>();
            rows.forEach(row -> topics.add(new ChatTopicEntity(row)));
            return topics;
        });
    }

    /** A new topic; its id. */
    Future<Integer> insert(List<Object> values) {
        return pool.preparedQuery(INSERT).execute(Tuple.tuple(values)).map(rows -> rows.iterator().next().getInteger(0));
    }

    /** Stores every writable property; false when the topic does not exist. */
    Future<Boolean> update(int id, List<Object> values) {
        List<Object> all = new ArrayList<>(values);
        all.add(0, id);
        return pool.preparedQuery(UPDATE).execute(Tuple.tuple(all)).map(rows -> rows.size() > 0);
    }

    /** Deletes a topic and its agents' roles; false when absent; a 409 while sessions refer to it. */
    Future<Boolean> delete(int id) {
        return pool.preparedQuery("DELETE FROM chat_topic WHERE topic_id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() > 0)
                .recover(err -> Future.failedFuture(err instanceof PgException pg && "23503".equals(pg.getSqlState())
                        ? new ApiException(409, "Conflict", "topic.hasSessions", id) : err));
    }

    /** The caller's standing in a topic (any topic id; 0 for none), or empty when it is no associate. */
    Future<Optional<Caller>> caller(Integer associateId, String name, int topicId) {
        return pool.preparedQuery(CALLER).execute(Tuple.of(associateId, name, topicId))
                .map(rows -> Rows.first(rows).map(row -> new Caller(row.getInteger(0), row.getBoolean(1),
                        Boolean.TRUE.equals(row.getBoolean(4)))));
    }

    /** An associate by login name or id, with its standing in a topic; empty when there is none. */
    Future<Optional<Target>> associate(String nameOrId, int topicId) {
        Integer id = nameOrId.matches("[0-9]{1,9}") ? Integer.valueOf(nameOrId) : null;
        return pool.preparedQuery(ASSOCIATE).execute(Tuple.of(nameOrId, id, topicId))
                .map(rows -> Rows.first(rows).map(r -> new Target(r.getInteger(0), r.getBoolean(1), r.getBoolean(2))));
    }

    /** An associate whose roles are to change: an administrator's or another manager's are not a manager's to change. */
    record Target(int associateId, boolean administrator, boolean manager) {
    }

    Future<List<TopicAgent>> agents(int topicId) {
        return pool.preparedQuery(AGENTS + " ORDER BY a.associate_id").execute(Tuple.of(topicId)).map(TopicStore::agents);
    }

    Future<Optional<TopicAgent>> agent(int topicId, int associateId) {
        return pool.preparedQuery(AGENT).execute(Tuple.of(topicId, associateId))
                .map(rows -> Rows.first(rows).map(TopicAgent::new));
    }

    /** Sets one associate's roles in a topic. */
    Future<Void> saveAgent(int topicId, int associateId, TopicAgent.Roles roles) {
        return pool.preparedQuery(UPSERT_AGENT).execute(Tuple.of(topicId, associateId, roles.canListen(),
                roles.canRespond(), roles.canManage(), roles.canNotify())).mapEmpty();
    }

    /**
     * Replaces every role in a topic with these (distinct associates), in one statement: the roles of associates
     * not listed are deleted, the listed ones inserted or updated.
     */
    Future<Void> replaceAgents(int topicId, List<Integer> associates, List<TopicAgent.Roles> roles) {
        Tuple args = Tuple.of(topicId).addArrayOfInteger(associates.toArray(Integer[]::new))
                .addArrayOfBoolean(roles.stream().map(TopicAgent.Roles::canListen).toArray(Boolean[]::new))
                .addArrayOfBoolean(roles.stream().map(TopicAgent.Roles::canRespond).toArray(Boolean[]::new))
                .addArrayOfBoolean(roles.stream().map(TopicAgent.Roles::canManage).toArray(Boolean[]::new))
                .addArrayOfBoolean(roles.stream().map(TopicAgent.Roles::canNotify).toArray(Boolean[]::new));
        return pool.preparedQuery(REPLACE_AGENTS).execute(args).mapEmpty();
    }

    private static final String REPLACE_AGENTS = "WITH gone AS (DELETE FROM chat_topic_agent WHERE topic_id = $1"
            + " AND associate_id <> ALL($2::int[]))"
            + " INSERT INTO chat_topic_agent (topic_id, associate_id, can_listen, can_respond, can_manage, can_notify)"
            + " SELECT $1, x.a, x.l, x.r, x.m, x.n FROM unnest($2::int[], $3::bool[], $4::bool[], $5::bool[], $6::bool[])"
            + " AS x(a, l, r, m, n)"
            + " ON CONFLICT (topic_id, associate_id) DO UPDATE SET can_listen = EXCLUDED.can_listen,"
            + " can_respond = EXCLUDED.can_respond, can_manage = EXCLUDED.can_manage, can_notify = EXCLUDED.can_notify";

    /** Removes an associate's roles in a topic; false when it had none. */
    Future<Boolean> deleteAgent(int topicId, int associateId) {
        return pool.preparedQuery("DELETE FROM chat_topic_agent WHERE topic_id = $1 AND associate_id = $2")
                .execute(Tuple.of(topicId, associateId)).map(rows -> rows.rowCount() > 0);
    }

    /** The associates who may be given roles in topics (GetUserAgentList): not deleted, by group and name. */
    Future<List<Row>> userAgents() {
        return pool.preparedQuery(USER_AGENTS).execute().map(rows -> {
            List<Row> list = new ArrayList<>();
            rows.forEach(list::add);
            return list;
        });
    }

    /** Whether one of the topic's responders (CanRespond) is present. */
    Future<Boolean> anyoneResponding(int topicId) {
        return pool.preparedQuery(ANYONE_RESPONDING).execute(Tuple.of(topicId)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    private static final String ANYONE_RESPONDING = "SELECT EXISTS (SELECT 1 FROM chat_topic_agent ta"
            + " JOIN chat_presence p ON p.associate_id = ta.associate_id"
            + " JOIN associate a ON a.associate_id = ta.associate_id AND NOT a.deleted"
            + " WHERE ta.topic_id = $1 AND ta.can_respond AND p.present)";

    /**
     * Every chat user (an associate with a role in some topic), by id: display name, the chats it serves now,
     * whether it is present, and its topics.
     */
    private static final String PRESENCE = "SELECT a.associate_id, coalesce(nullif(a.full_name, ''), a.name),"
            + " (SELECT count(*) FROM chat_session s WHERE s.user_associate_id = a.associate_id"
            + " AND s.status IN ('CustomerLast', 'UserLast', 'RequestPosted'))::int,"
            + " coalesce(p.present, false), array_agg(ta.topic_id ORDER BY ta.topic_id)"
            + " FROM associate a JOIN chat_topic_agent ta ON ta.associate_id = a.associate_id"
            + " AND (ta.can_listen OR ta.can_respond OR ta.can_manage OR ta.can_notify)"
            + " LEFT JOIN chat_presence p ON p.associate_id = a.associate_id"
            + " WHERE NOT a.deleted GROUP BY a.associate_id, p.present ORDER BY a.associate_id";

    Future<List<Row>> presence() {
        return pool.preparedQuery(PRESENCE).execute().map(rows -> {
            List<Row> list = new ArrayList<>();
            rows.forEach(list::add);
            return list;
        });
    }

    /** Which of the ids are agents (associates not deleted). */
    Future<java.util.Set<Integer>> existing(List<Integer> ids) {
        return pool.preparedQuery("SELECT associate_id FROM associate WHERE associate_id = ANY($1) AND NOT deleted")
                .execute(Tuple.tuple().addArrayOfInteger(ids.toArray(Integer[]::new))).map(rows -> {
                    java.util.Set<Integer> found = new java.util.HashSet<>();
                    rows.forEach(row -> found.add(row.getInteger(0)));
                    return found;
                });
    }

    /** Sets the agents' presence (ids that are no associate are skipped); the ids stored. */
    Future<List<Integer>> savePresence(List<Integer> ids, List<Boolean> present) {
        return pool.preparedQuery(SAVE_PRESENCE)
                .execute(Tuple.tuple().addArrayOfInteger(ids.toArray(Integer[]::new))
                        .addArrayOfBoolean(present.toArray(Boolean[]::new)))
                .map(rows -> {
                    List<Integer> saved = new ArrayList<>();
                    rows.forEach(row -> saved.add(row.getInteger(0)));
                    return saved;
                });
    }

    private static final String SAVE_PRESENCE = "INSERT INTO chat_presence (associate_id, present, changed)"
            + " SELECT x.id, x.present, now() FROM unnest($1::int[], $2::bool[]) AS x(id, present)"
            + " JOIN associate a ON a.associate_id = x.id AND NOT a.deleted"
            + " ON CONFLICT (associate_id) DO UPDATE SET present = EXCLUDED.present, changed = now()"
            + " RETURNING associate_id";

    /** The topic of a chat session (a customer's), or empty. */
    Future<Optional<Integer>> topicOfSession(int sessionId) {
        return pool.preparedQuery("SELECT topic_id FROM chat_session WHERE chat_session_id = $1")
                .execute(Tuple.of(sessionId)).map(rows -> Rows.first(rows).map(r -> r.getInteger(0)));
    }

    /** The caller as an associate: administrators and a topic's managers may manage it. */
    record Caller(int associateId, boolean administrator, boolean manager) {

        boolean mayManage() {
            return administrator || manager;
        }
    }

    private static List<TopicAgent> agents(io.vertx.sqlclient.RowSet<Row> rows) {
        List<TopicAgent> agents = new ArrayList<>();
        rows.forEach(row -> agents.add(new TopicAgent(row)));
        return agents;
    }

}
