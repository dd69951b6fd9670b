package chatapi.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The representation headers' pure parts without a server: zones and culture codes (Accept: RepresentationTest). */
@DisplayName("Negotiation: SO-TimeZone, SO-Browser-TZ-Offset and SO-Culture, without a server")
class NegotiationTest {

    @Test
    @DisplayName("SO-TimeZone takes SuperOffice codes and IANA names in any case, with or without includeTZOffset; it wins over the browser offset")
    void zones() {
        assertEquals(ZoneId.of("Europe/Oslo"), Negotiation.zone("NO", null));
        assertEquals(ZoneId.of("Europe/Oslo"), Negotiation.zone("europe/oslo", "120"));
        assertEquals(ZoneId.of("America/New_York"), Negotiation.zone("us-ny,includeTZOffset", null));
        assertEquals(ZoneOffset.UTC, Negotiation.zone(null, null));
        assertEquals(ZoneOffset.ofHours(2), Negotiation.zone(null, "120"));
        assertEquals(ZoneOffset.ofHoursMinutes(-5, -30), Negotiation.zone("", "-330"));
    }

    @Test
    @DisplayName("unknown zones, bare offsets and offsets out of range name no zone (the request is a 400)")
    void unknownZones() {
        assertNull(Negotiation.zone("Mars/Olympus", null));
        assertNull(Negotiation.zone("+02:00", null));
        assertNull(Negotiation.zone("NO,SE", null));
        assertNull(Negotiation.zone(null, "900"));
        assertNull(Negotiation.zone(null, "two"));
    }

    @Test
    @DisplayName("SO-Culture must be a culture code")
    void cultures() {
        assertTrue(Negotiation.isCulture("nb-NO"));
        assertTrue(Negotiation.isCulture("de"));
        assertTrue(Negotiation.isCulture("zh-Hans-CN"));
        assertFalse(Negotiation.isCulture("not a culture"));
        assertFalse(Negotiation.isCulture("xx-"));
    }
}
