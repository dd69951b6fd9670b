package chatapi.db;

import chatapi.config.AppConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
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
 *
 * <p>A start on a database that is already up to date skips Flyway: when the schema history holds exactly the
 * migrations in the jar (the same versions, descriptions, scripts and checksums, each applied successfully, nothing
 * else), there is nothing for Flyway to apply or to object to, and loading and running it took about a tenth of the
 * start's CPU (BENCHMARKS.md, 2026-12-07 seventh session). Any difference, a missing history table included, runs
 * Flyway as before, which applies, validates and reports as it always has.
 */
public final class Migrations {

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    private static final String DEMO_DATA = "db/demo/demo-data.sql";
    static final String LOCATION = "db/migration";
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__([^/]+)\\.sql");

    /**
     * A versioned migration as Flyway records it: version (dots for underscores), description (spaces for
     * underscores), script (the file's name) and checksum.
     */
    record Applied(String version, String description, String script, int checksum) {
    }

    private Migrations() {
    }

    public static void migrate(AppConfig config) {
        DataSource dataSource = dataSource(config);
        String upToDate = upToDate(dataSource);
        if (upToDate != null) {
            LOG.info("Database schema at version {} (up to date; Flyway not needed)", upToDate);
            return;
        }
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info("Database schema at version {} ({} migrations applied now)",
                result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                result.migrationsExecuted);
    }

    /** The schema's version when its history is exactly the jar's migrations, else null (Flyway then runs). */
    static String upToDate(DataSource dataSource) {
        try {
            List<Applied> bundled = bundled(Migrations.class.getClassLoader());
            return !bundled.isEmpty() && bundled.equals(history(dataSource)) ? bundled.get(bundled.size() - 1).version()
                    : null;
        } catch (Unreachable e) {
            throw e; // Flyway would only wait for the same connection again
        } catch (RuntimeException e) {
            LOG.debug("Cannot compare the schema history with the migrations: Flyway will", e);
            return null;
        }
    }

    /**
     * The versioned migrations under {@value #LOCATION} on {@code loader}'s class path (a folder or a jar), in
     * version order, with the checksum Flyway computes: CRC-32 of each line's UTF-8 bytes, without line ends, the
     * first line without a byte order mark. MigrationsTest compares them with what Flyway records.
     */
    static List<Applied> bundled(ClassLoader loader) {
        List<String> names = new ArrayList<>();
        try {
            List<URL> locations = Collections.list(loader.getResources(LOCATION));
            if (locations.size() != 1) {
                return List.of(); // none, or several class path entries: Flyway reads them all
            }
            URL location = locations.get(0);
            if (location.openConnection() instanceof JarURLConnection jar) {
                String prefix = LOCATION + "/";
                jar.getJarFile().stream().map(entry -> entry.getName())
                        .filter(name -> name.startsWith(prefix) && name.length() > prefix.length())
                        .forEach(name -> names.add(name.substring(prefix.length())));
            } else {
                try (Stream<Path> files = Files.list(Path.of(location.toURI()))) {
                    files.forEach(file -> names.add(file.getFileName().toString()));
                }
            }
            List<Applied> migrations = new ArrayList<>();
            for (String name : names) {
                Matcher versioned = VERSIONED.matcher(name);
                if (!versioned.matches()) {
                    return List.of(); // a subfolder, a repeatable or callback script: Flyway decides
                }
                migrations.add(new Applied(versioned.group(1).replace('_', '.'),
                        versioned.group(2).replace('_', ' '), name, checksum(loader, LOCATION + "/" + name)));
            }
            migrations.sort(Comparator.comparing(Applied::version, Migrations::compareVersions));
            return migrations;
        } catch (IOException | URISyntaxException | RuntimeException e) { // a class path Flyway may still read
            LOG.debug("Cannot list the migrations: Flyway will", e);
            return List.of();
        }
    }

    private static int checksum(ClassLoader loader, String resource) {
        CRC32 crc = new CRC32();
        try (InputStream in = loader.getResourceAsStream(resource);
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line = lines.readLine();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            for (; line != null; line = lines.readLine()) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        return (int) crc.getValue();
    }

    private static int compareVersions(String a, String b) {
        String[] left = a.split("\\.");
        String[] right = b.split("\\.");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            int order = new BigInteger(i < left.length ? left[i] : "0")
                    .compareTo(new BigInteger(i < right.length ? right[i] : "0"));
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    /**
     * The schema history as the same list, or null when it holds anything else: no history table, a failed
     * migration, a row without a version or of another type.
     */
    static List<Applied> history(DataSource dataSource) {
        Connection opened;
        try {
            opened = dataSource.getConnection();
        } catch (SQLException e) {
            throw new Unreachable(e);
        }
        try (Connection connection = opened; Statement statement = connection.createStatement()) {
            // Flyway's table is in the current schema; unqualified, the name finds that one first.
            try (ResultSet exists = statement.executeQuery(
                    "SELECT to_regclass(quote_ident(current_schema()) || '.flyway_schema_history') IS NOT NULL")) {
                if (!exists.next() || !exists.getBoolean(1)) {
                    return null;
                }
            }
            List<Applied> applied = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT version, description, script, checksum, type, success"
                    + " FROM flyway_schema_history ORDER BY installed_rank")) {
                while (rows.next()) {
                    String version = rows.getString(1);
                    Object checksum = rows.getObject(4);
                    if (version == null || !(checksum instanceof Integer crc) || !"SQL".equals(rows.getString(5))
                            || !rows.getBoolean(6)) {
                        return null;
                    }
                    applied.add(new Applied(version, rows.getString(2), rows.getString(3), crc));
                }
            }
            return applied;
        } catch (SQLException e) {
            LOG.debug("Cannot read the schema history: Flyway will", e);
            return null;
        }
    }

    /** The database refused or did not answer the connection: the start fails at once, as Flyway's attempt would. */
    static final class Unreachable extends IllegalStateException {
        Unreachable(SQLException cause) {
            super("cannot connect to the database: " + cause.getMessage(), cause);
        }
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
