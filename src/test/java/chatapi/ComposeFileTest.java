package chatapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What matters in docker-compose.yml, read as Compose reads it (anchors, merge keys): two chat-api instances on one
 * database, nginx in front of both once they are ready, the readiness healthcheck, a stop grace period above the
 * server's own stop. (conf/container-check.sh also has Compose itself parse the file: docker-compose config -q.)
 */
@DisplayName("docker-compose.yml: two instances on one database, nginx in front, readiness, a long enough stop")
class ComposeFileTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services() throws Exception {
        try (Reader in = Files.newBufferedReader(Path.of("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(in);
            return (Map<String, Object>) compose.get("services");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @Test
    @SuppressWarnings("unchecked")
    @DisplayName("chat-api-1 and chat-api-2: built here, one PostgreSQL service, ready by /health/ready, stopped after more than the server's drain")
    void twoInstancesOnOneDatabase() throws Exception {
        Map<String, Object> services = services();
        assertTrue(services.containsKey("postgres"));
        for (String name : List.of("chat-api-1", "chat-api-2")) {
            Map<String, Object> service = map(services.get(name));
            assertEquals(".", service.get("build"), name + " is built from this Dockerfile");
            Map<String, Object> env = map(service.get("environment"));
            assertEquals("postgres", env.get("PGHOST"), name + " uses the postgres service");
            assertEquals(map(map(services.get("postgres")).get("environment")).get("POSTGRES_DB"), env.get("PGDATABASE"));
            assertEquals("service_healthy", map(map(service.get("depends_on")).get("postgres")).get("condition"));
            List<String> test = (List<String>) map(service.get("healthcheck")).get("test");
            assertTrue(String.join(" ", test).contains("/health/ready"), name + " is checked for readiness: " + test);
            assertTrue(seconds((String) service.get("stop_grace_period")) > Main.STOP_TIMEOUT_SECONDS,
                    name + "'s stop_grace_period leaves the server its " + Main.STOP_TIMEOUT_SECONDS + " s to drain");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    @DisplayName("nginx: in front (the published port), with conf/nginx.conf balancing both instances, once they are ready")
    void nginxInFront() throws Exception {
        Map<String, Object> services = services();
        Map<String, Object> nginx = map(services.get("nginx"));
        assertEquals(List.of("8080:80"), nginx.get("ports"));
        assertTrue(((List<String>) nginx.get("volumes")).contains("./conf/nginx.conf:/etc/nginx/nginx.conf:ro"));
        Map<String, Object> dependsOn = map(nginx.get("depends_on"));
        for (String name : List.of("chat-api-1", "chat-api-2")) {
            assertEquals("service_healthy", map(dependsOn.get(name)).get("condition"), "nginx waits for " + name);
        }
        String conf = Files.readString(Path.of("conf/nginx.conf"));
        assertTrue(conf.contains("server chat-api-1:8080") && conf.contains("server chat-api-2:8080"),
                "the upstream holds both instances");
        for (String name : List.of("chat-api-1", "chat-api-2")) {
            assertTrue(map(services.get(name)).get("ports") == null, name + " is reached through nginx only");
        }
    }

    private static int seconds(String duration) {
        Matcher m = Pattern.compile("(\\d+)s").matcher(duration);
        assertTrue(m.matches(), "a duration in seconds: " + duration);
        return Integer.parseInt(m.group(1));
    }
}
