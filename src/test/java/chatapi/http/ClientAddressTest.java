package chatapi.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** trustedProxies entries; the walk over X-Forwarded-For is tested over HTTP in LoginThrottleTest. */
@DisplayName("ClientAddress: trusted proxies by address or CIDR range")
class ClientAddressTest {

    @Test
    @DisplayName("addresses and ranges, IPv4 and IPv6, match what they name and nothing else")
    void ranges() {
        ClientAddress clients = new ClientAddress(List.of("10.0.0.0/8", "192.0.2.7", "fd00::/8", "::1"));
        assertTrue(clients.trusted("10.200.3.4"));
        assertTrue(clients.trusted("192.0.2.7"));
        assertFalse(clients.trusted("192.0.2.8"));
        assertTrue(clients.trusted("fd12:3456::1"));
        assertTrue(clients.trusted("::1"));
        assertFalse(clients.trusted("2001:db8::1"));
        assertFalse(clients.trusted("not-an-address"));
        assertFalse(new ClientAddress(List.of()).trusted("127.0.0.1"));
    }

    @Test
    @DisplayName("login throttling counts an IPv6 client by its /64 and an IPv4 client by its address")
    void networks() {
        assertEquals("2001:db8:1:2::/64", ClientAddress.network("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        assertEquals("2001:db8:1:2::/64", ClientAddress.network("2001:0db8:1:2::1"));
        assertEquals("203.0.113.9", ClientAddress.network("203.0.113.9"));
        assertEquals("fe80::/64", ClientAddress.network("fe80::1%eth0"), "a zone id is no address of its own");
    }

    @Test
    @DisplayName("an entry that is not an address or range stops the server at start, naming it")
    void invalidEntries() {
        for (String bad : List.of("proxy.example.com", "10.0.0.0/33", "10.0.0.0/x", "::1/129")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> chatapi.config.Addresses.range(bad));
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }
}
