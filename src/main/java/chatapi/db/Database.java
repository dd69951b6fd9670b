package chatapi.db;

import chatapi.config.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;

/**
 * The database client, shared by every verticle instance of the process: a pool of connections on which
 * statements are pipelined (sent without waiting for the previous answer), which measured a third more
 * short queries per second than one statement per pooled connection at a time (BENCHMARKS.md). Nothing
 * here needs a transaction across statements (each state change is one statement), which a pipelined
 * client cannot hold.
 */
public final class Database {

    private Database() {
    }

    public static PgConnectOptions connectOptions(AppConfig config) {
        PgConnectOptions options = new PgConnectOptions()
                .setHost(config.pgHost())
                .setPort(config.pgPort())
                .setDatabase(config.pgDatabase())
                .setUser(config.pgUser())
                .setCachePreparedStatements(true)
                // The whole-entity statement is about 5 KB of SQL; the default limit (2 KB) would leave it
                // uncached, parsed and planned at every request (about 5 ms of PostgreSQL time each).
                .setPreparedStatementCacheSqlLimit(16 * 1024)
                .setPipeliningLimit(256);
        options.getProperties().put("application_name", "chat-api");
        if (config.pgPassword() != null) {
            options.setPassword(config.pgPassword());
        }
        return options;
    }

    public static SqlClient pool(Vertx vertx, AppConfig config) {
        return PgBuilder.client()
                .with(new PoolOptions()
                        .setMaxSize(config.pgPoolSize())
                        .setShared(true)
                        .setName("chat-api " + config.pgUser() + "@" + config.pgHost() + ":" + config.pgPort()
                                + "/" + config.pgDatabase()))
                .connectingTo(connectOptions(config))
                // A database host that does not answer at all (not refusing: gone from the network) fails a
                // request with 503 after this, not after the 60 s default.
                .with(new NetClientOptions().setConnectTimeout(config.pgConnectTimeoutMs()))
                .using(vertx)
                .build();
    }
}
