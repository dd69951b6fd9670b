package chatapi.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatapi.config.AppConfig;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Bearer tokens verified once and then taken from the cache, which still honours their expiry. */
@DisplayName("Tokens: the verified-token cache")
class TokensTest {

    private Vertx vertx;
    private final AtomicLong now = new AtomicLong(System.currentTimeMillis());
    private Tokens tokens;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        tokens = Tokens.create(vertx, AppConfig.load(null,
                Map.of("CHAT_JWT_SECRET", "0123456789abcdef0123456789abcdef-tokens-test")).auth(), now::get);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a cached token is accepted until its exp plus the leeway, then refused")
    void expiry() throws Exception {
        String token = tokens.sign("customer", 7, "visitor", 60);
        Principal first = tokens.verify(token).await(5, TimeUnit.SECONDS);
        assertEquals(7, first.chatSessionId());
        assertEquals(first, tokens.verify(token).await(5, TimeUnit.SECONDS), "the same principal, from the cache");
        now.set(first.expiresAtMillis() + Tokens.LEEWAY_SECONDS * 1000L);
        assertEquals(first, tokens.verify(token).await(5, TimeUnit.SECONDS), "within the leeway");
        now.addAndGet(1);
        assertTrue(tokens.verify(token).failed() || failed(token), "expired: refused");
        assertTrue(failed(token), "and stays refused");
    }

    @Test
    @DisplayName("the cache is keyed by the whole token: another signature on the same claims is still checked")
    void wholeToken() throws Exception {
        String token = tokens.sign("agent", null, "tje0", 60);
        tokens.verify(token).await(5, TimeUnit.SECONDS);
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        assertTrue(failed(forged), "a forged signature is refused though the claims were seen");
        assertTrue(failed(parts[0] + "." + parts[1] + "."), "no signature: refused");
        assertEquals("tje0", tokens.verify(token).await(5, TimeUnit.SECONDS).name());
    }

    private boolean failed(String token) {
        try {
            tokens.verify(token).await(5, TimeUnit.SECONDS);
            return false;
        } catch (Exception e) {
            return true;
        }
    }
}
