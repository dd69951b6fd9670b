import chatapi.config.AppConfig;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * One cold start's cost of reading the configuration, from a created Vert.x to the configuration record: chat-api's
 * own loader ({@code hand}) or vertx-config's file and environment stores feeding the same record ({@code
 * vertx-config}). Prints {@code <way> <microseconds>}.
 */
public class ConfigLoad {

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx();
        long started = System.nanoTime();
        AppConfig config;
        if (args[0].equals("hand")) {
            config = AppConfig.load(args[1], System.getenv());
        } else {
            JsonArray variables = new JsonArray().add("HTTP_HOST").add("HTTP_PORT").add("PGHOST").add("PGPORT");
            ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(0)
                    .addStore(new ConfigStoreOptions().setType("file").setFormat("json").setOptional(true)
                            .setConfig(new JsonObject().put("path", args[1])))
                    .addStore(new ConfigStoreOptions().setType("env")
                            .setConfig(new JsonObject().put("raw-data", true).put("keys", variables)));
            config = AppConfig.fromJson(ConfigRetriever.create(vertx, options).getConfig().await(10, TimeUnit.SECONDS));
        }
        System.out.println(args[0] + " " + (System.nanoTime() - started) / 1000 + " port=" + config.httpPort());
        vertx.close().await(5, TimeUnit.SECONDS);
    }
}
