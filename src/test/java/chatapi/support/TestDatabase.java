package chatapi.support;

import chatapi.config.AppConfig;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * A fresh, empty PostgreSQL database for one test class, dropped after it. Register it as a static
 * field with {@code @RegisterExtension}.
 *
 * <p>Where the server comes from: the PostgreSQL at PGHOST/PGPORT (default 127.0.0.1:5432, user
 * PGUSER/PGPASSWORD, default postgres) when it answers; else a Testcontainers PostgreSQL when Docker is
 * available; else the tests fail with a message saying how to provide one.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback {

    private static Server server;

    /** The HS256 secret of every test server of this JVM (random, so tokens of other runs never verify). */
    public static final String JWT_SECRET = java.util.UUID.randomUUID() + "-" + java.util.UUID.randomUUID();

    private String name;

    /** Coordinates of a PostgreSQL server and a user allowed to create databases on it. */
    private record Server(String host, int port, String user, String password) {

        String url(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }

        Connection connect(String database) throws SQLException {
            Properties props = new Properties();
            props.setProperty("user", user);
            if (password != null) {
                props.setProperty("password", password);
            }
            props.setProperty("connectTimeout", "3");
            props.setProperty("loginTimeout", "3");
            return DriverManager.getConnection(url(database), props);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        Server s = server();
        name = ("chat_test_" + context.getRequiredTestClass().getSimpleName() + "_"
                + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        try (Connection c = s.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (name == null) {
            return;
        }
        try (Connection c = server().connect("postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    public String name() {
        return name;
    }

    /** A server configuration for this database: demo data on, loopback, a free port. */
    public AppConfig config() {
        return config(json -> { });
    }

    /** As {@link #config()}, with changes to its JSON form (keys of conf/config.json). */
    public AppConfig config(java.util.function.Consumer<JsonObject> changes) {
        Server s = server();
        JsonObject json = new JsonObject()
                .put("httpHost", "127.0.0.1")
                .put("httpPort", 0)
                .put("pgHost", s.host())
                .put("pgPort", s.port())
                .put("pgDatabase", name)
                .put("pgUser", s.user())
                .put("pgPassword", s.password())
                .put("pgPoolSize", 4)
                .put("demoData", true)
                .put("jwtSecret", JWT_SECRET)
                // Every test client comes from 127.0.0.1: only the throttling tests lower these.
                .put("authMaxFailuresPerAddress", 100_000)
                .put("authMaxFailuresPerUserAndAddress", 100_000);
        AGENT_LIMITS.forEach((variable, value) -> json.put(AGENT_LIMIT_KEYS.get(variable), Integer.parseInt(value)));
        changes.accept(json);
        return AppConfig.fromJson(json);
    }

    /**
     * The tests act as one agent credential for thousands of parked requests and steady writers; the shipped
     * per-agent limits (500 parked, 50 posts/s) are lifted for them. The tests of those limits set their own.
     */
    private static final Map<String, String> AGENT_LIMITS = Map.of("CHAT_MAX_PARKED_PER_AGENT", "1000000",
            "CHAT_AGENT_POSTS_PER_SECOND", "1000000", "CHAT_AGENT_POST_BURST", "1000000");
    private static final Map<String, String> AGENT_LIMIT_KEYS = Map.of("CHAT_MAX_PARKED_PER_AGENT", "maxParkedPerAgent",
            "CHAT_AGENT_POSTS_PER_SECOND", "agentPostsPerSecond", "CHAT_AGENT_POST_BURST", "agentPostBurst");

    /** Environment variables that point a server process at this database. */
    public Map<String, String> environment() {
        Server s = server();
        Map<String, String> env = new java.util.HashMap<>(Map.of("PGHOST", s.host(), "PGPORT", Integer.toString(s.port()),
                "PGDATABASE", name, "PGUSER", s.user()));
        env.putAll(AGENT_LIMITS);
        if (s.password() != null) {
            env.put("PGPASSWORD", s.password());
        }
        return env;
    }

    /** A JDBC connection to the server's maintenance database, for tests that alter this one. */
    public Connection connectAdmin() throws SQLException {
        return server().connect("postgres");
    }

    /** A JDBC connection to this database, for tests to check what it holds. */
    public Connection connect() throws SQLException {
        return server().connect(name);
    }

    /** The first column of a query's first row: a test's look at what this database holds (no row fails). */
    public String value(String sql) {
        try (Connection c = connect(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row: " + sql);
            }
            return rs.getString(1);
        } catch (SQLException e) {
            throw new AssertionError(sql, e);
        }
    }

    /** Runs a statement on this database: a test arranging its data. */
    public void execute(String sql) {
        try (Connection c = connect(); java.sql.Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(sql, e);
        }
    }

    /** A new chat session (topic 1) in this database; its id. */
    public int newSession() {
        return Integer.parseInt(value("INSERT INTO chat_session (topic_id) VALUES (1) RETURNING chat_session_id"));
    }

    /** What this database holds: the message ids of each of the sessions, in order. */
    public Map<Integer, java.util.List<Integer>> messageIds(java.util.List<Integer> sessions) throws SQLException {
        Map<Integer, java.util.List<Integer>> ids = new java.util.HashMap<>();
        sessions.forEach(s -> ids.put(s, new java.util.ArrayList<>()));
        try (Connection c = connect(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(
                     "SELECT chat_session_id, chat_message_id FROM chat_message ORDER BY chat_message_id")) {
            while (rs.next()) {
                java.util.List<Integer> list = ids.get(rs.getInt(1));
                if (list != null) {
                    list.add(rs.getInt(2));
                }
            }
        }
        return ids;
    }

    private static synchronized Server server() {
        if (server == null) {
            server = locate();
        }
        return server;
    }

    private static Server locate() {
        Map<String, String> env = System.getenv();
        String host = env.getOrDefault("PGHOST", "127.0.0.1");
        int port = Integer.parseInt(env.getOrDefault("PGPORT", "5432"));
        Server local = new Server(host, port, env.getOrDefault("PGUSER", "postgres"), env.get("PGPASSWORD"));
        SQLException localFailure;
        try (Connection c = local.connect("postgres")) {
            return local;
        } catch (SQLException e) {
            localFailure = e;
        }
        if (dockerAvailable()) {
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:15-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            return new Server(container.getHost(), container.getMappedPort(5432), container.getUsername(),
                    container.getPassword());
        }
        throw new IllegalStateException("No PostgreSQL for the tests. Nothing answered at " + host + ":" + port
                + " (" + localFailure.getMessage() + ") and Docker is not available for Testcontainers. "
                + "Start a PostgreSQL (15 or later) and point PGHOST/PGPORT/PGUSER/PGPASSWORD at it "
                + "(the user must be allowed to create databases), or start a Docker engine.");
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
