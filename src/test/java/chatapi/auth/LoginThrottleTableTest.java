package chatapi.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chatapi.http.ApiException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The throttle's tables without a server: counting at the start, and no reset by flooding them. */
@DisplayName("LoginThrottle: counts at the start; its tables cannot be flushed by an attacker")
class LoginThrottleTableTest {

    @Test
    @DisplayName("attempts in flight count: the sixth concurrent attempt is refused before any has ended")
    void inFlightAttemptsCount() {
        LoginThrottle throttle = new LoginThrottle(5, 50, 300);
        for (int i = 0; i < 5; i++) {
            throttle.begin("tje0", "203.0.113.9");
        }
        ApiException refused = assertThrows(ApiException.class, () -> throttle.begin("TJE0", "203.0.113.9"));
        assertEquals(429, refused.status());
        throttle.begin("tje0", "198.51.100.7").succeeded(); // elsewhere: not affected
    }

    @Test
    @DisplayName("a success uncounts itself and clears its (user, address) count; an abandoned attempt uncounts itself")
    void successAndAbandon() {
        LoginThrottle throttle = new LoginThrottle(2, 50, 300);
        throttle.begin("tje0", "a").failed();
        throttle.begin("tje0", "a").succeeded();
        throttle.begin("tje0", "a").failed();
        throttle.begin("tje0", "a").abandoned();
        throttle.begin("tje0", "a").failed();
        assertThrows(ApiException.class, () -> throttle.begin("tje0", "a"));
    }

    @Test
    @DisplayName("Retry-After says when the emptier allowance has an attempt again: a minute for a pair, 6 s for an address")
    void retryAfter() {
        LoginThrottle pairs = new LoginThrottle(5, 50, 300);
        for (int i = 0; i < 5; i++) {
            pairs.begin("tje0", "a").failed();
        }
        assertEquals("60", assertThrows(ApiException.class, () -> pairs.begin("tje0", "a")).headers().get("Retry-After"));
        assertEquals("60", pairs.refusal("TJE0", "a").headers().get("Retry-After"));
        assertEquals(null, pairs.refusal("tje0", "b"), "another address is not refused");
        LoginThrottle addresses = new LoginThrottle(5, 50, 300);
        for (int i = 0; i < 50; i++) {
            addresses.begin("user" + i, "a").failed();
        }
        assertEquals("6", assertThrows(ApiException.class, () -> addresses.begin("someone", "a"))
                .headers().get("Retry-After"));
    }

    @Test
    @DisplayName("200,000 attempts from other addresses and names do not evict a throttled address's count")
    void floodDoesNotReset() {
        LoginThrottle throttle = new LoginThrottle(5, 50, 300);
        for (int i = 0; i < 5; i++) {
            throttle.begin("tje0", "203.0.113.9").failed();
        }
        for (int i = 0; i < 200_000; i++) {
            throttle.begin("user" + i, "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255)).failed();
        }
        throttle.cleanUp();
        assertEquals(429, assertThrows(ApiException.class, () -> throttle.begin("tje0", "203.0.113.9")).status());
    }
}
