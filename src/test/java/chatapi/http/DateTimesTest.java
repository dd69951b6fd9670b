package chatapi.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Date-times as the API writes them: the digit-by-digit writer against the formatter that defines the shape. */
@DisplayName("Date-times")
class DateTimesTest {

    private static final List<ZoneId> ZONES = List.of(ZoneOffset.UTC, ZoneOffset.ofHours(9), ZoneOffset.ofHoursMinutes(-3, -30),
            ZoneOffset.ofHoursMinutes(5, 45), ZoneOffset.ofTotalSeconds(-45), ZoneId.of("Europe/Oslo"),
            ZoneId.of("America/New_York"), ZoneId.of("Asia/Kolkata"), ZoneId.of("Australia/Lord_Howe"),
            // local mean times before 1900: offsets with seconds, which the pattern cannot show
            ZoneId.of("Europe/Amsterdam"), ZoneId.of("Africa/Monrovia"));

    @Test
    @DisplayName("examples: fraction digits up to seven, trailing zeros dropped, UTC as +00:00, negative offsets")
    void examples() {
        OffsetDateTime t = OffsetDateTime.parse("2012-08-26T13:05:41.63500259Z");
        assertEquals("2012-08-26T15:05:41.6350025+02:00", DateTimes.format(t, ZoneId.of("Europe/Oslo")));
        assertEquals("2012-08-26T13:05:41.6350025+00:00", DateTimes.format(t, ZoneOffset.UTC));
        assertEquals("2012-08-26T09:35:41.6350025-03:30", DateTimes.format(t, ZoneOffset.ofHoursMinutes(-3, -30)));
        assertEquals("2026-03-10T07:00:00.12+00:00",
                DateTimes.format(OffsetDateTime.parse("2026-03-10T07:00:00.120Z"), ZoneOffset.UTC));
        assertEquals("2026-03-10T07:00:00+00:00",
                DateTimes.format(OffsetDateTime.parse("2026-03-10T07:00:00.00000009Z"), ZoneOffset.UTC));
        // beyond seven digits the rest is cut off, and the zeros that leaves at the end dropped (the JDK's formatter
        // would write "…49.1576330")
        assertEquals("2042-05-24T04:46:49.157633+02:00",
                DateTimes.format(OffsetDateTime.parse("2042-05-24T00:46:49.157633003-02:00"), ZoneId.of("Europe/Oslo")));
        assertEquals("0001-01-01T00:00:00+00:00",
                DateTimes.format(OffsetDateTime.parse("0001-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    @DisplayName("writes what the formatter writes, for any instant, zone and seven-digit fraction, years beyond 0-9999 too")
    void sameAsTheFormatter() {
        Random random = new Random(20261207);
        long from = Instant.parse("-0100-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("+10100-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            long second = i % 4 == 0 ? Instant.parse("2026-01-01T00:00:00Z").getEpochSecond() + random.nextInt(1 << 30)
                    : from + (long) (random.nextDouble() * (to - from));
            int nano = switch (i % 5) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000_000) * 1_000; // microseconds, as PostgreSQL keeps them
                case 2 -> random.nextInt(10) * 100_000_000;
                default -> random.nextInt(10_000_000) * 100; // the seven digits written
            };
            OffsetDateTime value = Instant.ofEpochSecond(second, nano).atOffset(ZoneOffset.ofHours(random.nextInt(25) - 12));
            ZoneId zone = ZONES.get(random.nextInt(ZONES.size()));
            assertEquals(DateTimes.FORMAT.format(value.atZoneSameInstant(zone)), DateTimes.format(value, zone),
                    () -> value + " in " + zone);
        }
    }
}
