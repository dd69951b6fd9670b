package chatapi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Configuration: file, then environment")
class AppConfigTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("with an empty file and no environment, the documented defaults apply")
    void defaults() throws IOException {
        AppConfig config = AppConfig.load(write("{}").toString(), Map.of());
        assertEquals(8080, config.httpPort());
        assertEquals("127.0.0.1", config.pgHost());
        assertEquals(5432, config.pgPort());
        assertEquals("postgres", config.pgDatabase());
        assertEquals("postgres", config.pgUser());
        assertNull(config.pgPassword());
        assertFalse(config.demoData());
        assertFalse(config.devStartChat());
        assertEquals(1, config.instances());
        assertEquals("0.0.0.0", config.httpHost());
        assertEquals(8, config.pgPoolSize());
    }

    @Test
    @DisplayName("maxParked defaults to what the heap holds: 1,000 to 50,000, 35,498 with the shipped 512 MB")
    void maxParkedFollowsTheHeap() {
        long mb = 1024L * 1024;
        assertEquals(35_498, AppConfig.defaultMaxParked(512 * mb));
        assertEquals(50_000, AppConfig.defaultMaxParked(6 * 1024 * mb));
        assertEquals(1_000, AppConfig.defaultMaxParked(64 * mb));
        assertEquals(AppConfig.defaultMaxParked(Runtime.getRuntime().maxMemory()),
                AppConfig.load(null, Map.of()).maxParked(), "this JVM's heap decides");
        assertEquals(70_000, AppConfig.load(null, Map.of("CHAT_MAX_PARKED", "70000")).maxParked(), "unless set");
    }

    @Test
    @DisplayName("the shipped conf/config.json is valid and matches the defaults")
    void shippedFile() {
        assertEquals(AppConfig.fromJson(new io.vertx.core.json.JsonObject()),
                AppConfig.load(AppConfig.DEFAULT_FILE, Map.of()));
    }

    @Test
    @DisplayName("environment variables override the file")
    void environmentOverridesFile() throws IOException {
        Path file = write("{\"httpPort\": 9000, \"pgHost\": \"db.internal\", \"pgDatabase\": \"chat\", \"demoData\": false}");
        AppConfig config = AppConfig.load(file.toString(), Map.of(
                "HTTP_PORT", "9100", "PGDATABASE", "other", "PGPASSWORD", "s3cret", "CHAT_DEMO_DATA", "true",
                "CHAT_PUBLIC_BASE_URL", "https://chat.example.com/"));
        assertEquals(9100, config.httpPort());
        assertEquals("db.internal", config.pgHost());
        assertEquals("other", config.pgDatabase());
        assertEquals("s3cret", config.pgPassword());
        assertTrue(config.demoData());
        assertEquals("https://chat.example.com", config.publicBaseUrl());
    }

    @Test
    @DisplayName("CHAT_CONFIG names the file when --conf does not")
    void chatConfigNamesTheFile() throws IOException {
        Path file = write("{\"pgPoolSize\": 3}");
        assertEquals(3, AppConfig.load(null, Map.of("CHAT_CONFIG", file.toString())).pgPoolSize());
    }

    @Test
    @DisplayName("bad values and a missing named file fail with a message naming the problem")
    void badValues() throws IOException {
        assertEquals("httpPort must be an integer, not 'abc'", assertThrows(IllegalArgumentException.class,
                () -> AppConfig.load(null, Map.of("HTTP_PORT", "abc"))).getMessage());
        assertEquals("httpPort must be between 0 and 65535, not 70000", assertThrows(IllegalArgumentException.class,
                () -> AppConfig.load(null, Map.of("HTTP_PORT", "70000"))).getMessage());
        assertEquals("demoData must be true or false, not 'maybe'", assertThrows(IllegalArgumentException.class,
                () -> AppConfig.load(null, Map.of("CHAT_DEMO_DATA", "maybe"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AppConfig.load(dir.resolve("absent.json").toString(), Map.of())).getMessage()
                .startsWith("configuration file not found"));
        Path broken = write("{not json");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AppConfig.load(broken.toString(), Map.of()))
                .getMessage().startsWith("cannot read configuration file"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AppConfig.load(null, Map.of("CHAT_DEV_START_CHAT", "true"))).getMessage()
                .startsWith("devStartChat mints customer tokens and needs a signing key"));
        String secret = "0123456789abcdef0123456789abcdef";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AppConfig.load(null,
                Map.of("CHAT_DEV_START_CHAT", "true", "CHAT_JWT_SECRET", secret))).getMessage()
                .startsWith("devStartChat lets anyone who reaches the server start chats"), "not on 0.0.0.0");
        for (String loopback : List.of("127.0.0.1", "localhost", "::1", "127.0.0.2")) {
            assertTrue(AppConfig.load(null, Map.of("CHAT_DEV_START_CHAT", "true", "CHAT_JWT_SECRET", secret,
                    "HTTP_HOST", loopback)).devStartChat(), loopback);
        }
        assertTrue(AppConfig.load(null, Map.of("CHAT_DEV_START_CHAT", "true", "CHAT_JWT_SECRET", secret,
                "CHAT_DEV_START_CHAT_ANYWHERE", "true")).devStartChat(), "explicitly anywhere");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AppConfig.load(null,
                Map.of("CHAT_TRUSTED_PROXIES", "10.0.0.1, nginx"))).getMessage().contains("'nginx'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AppConfig.load(null,
                Map.of("CHAT_ALLOWED_ORIGINS", "https://app.example.com/path"))).getMessage().contains("allowedOrigins"));
    }

    @Test
    @DisplayName("lists (trustedProxies, allowedOrigins) come as comma-separated text or JSON arrays; origins are normalised")
    void lists() throws IOException {
        AppConfig config = AppConfig.load(write("{\"trustedProxies\": [\"10.0.0.0/8\", \"::1\"]}").toString(),
                Map.of("CHAT_ALLOWED_ORIGINS", "https://App.Example.com, http://localhost:3000"));
        assertEquals(List.of("10.0.0.0/8", "::1"), config.trustedProxies());
        assertEquals(List.of("https://app.example.com", "http://localhost:3000"), config.allowedOrigins());
        AppConfig defaults = AppConfig.load(null, Map.of());
        assertEquals(List.of(), defaults.trustedProxies());
        assertEquals(1000, defaults.limits().maxMessagesPerAnswer());
        assertEquals(10, defaults.limits().maxParkedPerCustomer());
        assertEquals(500, defaults.limits().maxParkedPerAgent());
        assertEquals(5, defaults.auth().maxFailuresPerUserAndAddress());
        assertEquals(50, defaults.auth().maxFailuresPerAddress());
    }

    @Test
    @DisplayName("the password never appears in the printed configuration")
    void passwordIsNotPrinted() {
        AppConfig config = AppConfig.load(null, Map.of("PGPASSWORD", "hunter2-secret"));
        assertFalse(config.toString().contains("hunter2-secret"), config.toString());
    }

    private Path write(String json) throws IOException {
        Path file = dir.resolve("config-" + System.nanoTime() + ".json");
        Files.writeString(file, json);
        return file;
    }
}
