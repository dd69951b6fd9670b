package chatapi.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The weighted-values headers (Accept, Accept-Language, Accept-Encoding) as the server reads them. */
@DisplayName("Weighted header values")
class WeightedTest {

    @Test
    @DisplayName("values come highest weight first, ties in the header's order, parameters dropped, weights clamped")
    void order() {
        assertEquals(List.of(new Weighted("de", 1), new Weighted("fr", 1), new Weighted("sv", 0.8f),
                        new Weighted("en", 0.5f), new Weighted("nb", 0)),
                Weighted.parse(" nb;q=0 , en;q=0.5,de, sv; Q = 0.8 ,fr;level=1"));
        assertEquals(List.of(new Weighted("a", 1), new Weighted("b", 0)), Weighted.parse("a;q=7, b;q=-1"));
    }

    @Test
    @DisplayName("commas and semicolons inside quoted parameters do not split, and an unreadable weight counts as 1")
    void quotedAndUnreadable() {
        assertEquals(List.of(new Weighted("text/plain", 1), new Weighted("application/xml", 0.9f)),
                Weighted.parse("application/xml;x=\"a,b;q=0\\\"c\";q=0.9, text/plain;q=x"));
    }

    @Test
    @DisplayName("no header, a blank one, or empty elements give nothing")
    void empty() {
        assertEquals(List.of(), Weighted.parse(null));
        assertEquals(List.of(), Weighted.parse("  "));
        assertEquals(List.of(new Weighted("gzip", 1)), Weighted.parse(", ,gzip,;q=1"));
    }

    @Test
    @DisplayName("a header of thousands of values costs no more than its first 32")
    void bounded() {
        String many = "x/y;q=0.1, ".repeat(5_000) + "application/json";
        List<Weighted> read = Weighted.parse(many);
        assertEquals(Weighted.MAX_VALUES, read.size());
        assertEquals(new Weighted("x/y", 0.1f), read.get(0));
    }

    @Test
    @DisplayName("gzip is used when named with a weight, or else accepted through *; a refused gzip stays refused")
    void gzip() {
        assertTrue(Compression.acceptsGzip("gzip, deflate, br"));
        assertTrue(Compression.acceptsGzip("br;q=1, x-gzip;q=0.1"));
        assertTrue(Compression.acceptsGzip("*"));
        assertFalse(Compression.acceptsGzip("gzip;q=0, *"));
        assertFalse(Compression.acceptsGzip("*;q=0"));
        assertFalse(Compression.acceptsGzip("identity"));
        assertFalse(Compression.acceptsGzip(null));
    }
}
