package chatapi.db;

import chatapi.config.AppConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the database to the current schema with Flyway (migrations are {@code sql/V*.sql}, shipped in
 * the jar as {@code classpath:db/migration}) and loads the demo data when configured. Both block on
 * JDBC: call them before serving, off the event loop. Flyway takes a PostgreSQL advisory lock, so
 * several instances starting at once against one database end with one schema.
 */
public final class Migrations {

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    private static final String DEMO_DATA = "db/demo/demo-data.sql";

    private Migrations() {
    }

    public static void migrate(AppConfig config) {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource(config))
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info("Database schema at version {} ({} migrations applied now)",
                result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                result.migrationsExecuted);
    }

    /** Runs the demo data script in one transaction; the script itself is idempotent. */
    public static void loadDemoData(AppConfig config) {
        try (Connection connection = dataSource(config).getConnection();
             Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute(readResource(DEMO_DATA));
            connection.commit();
            LOG.info("Demo data loaded");
        } catch (SQLException e) {
            throw new IllegalStateException("loading the demo data failed: " + e.getMessage(), e);
        }
    }

    static DataSource dataSource(AppConfig config) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {config.pgHost()});
        ds.setPortNumbers(new int[] {config.pgPort()});
        ds.setDatabaseName(config.pgDatabase());
        ds.setUser(config.pgUser());
        ds.setPassword(config.pgPassword());
        ds.setApplicationName("chat-api migrations");
        ds.setConnectTimeout(10);
        return ds;
    }

    private static String readResource(String name) {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }
}
