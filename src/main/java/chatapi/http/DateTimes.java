package chatapi.http;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/**
 * Date-times as SuperOffice writes them: ISO-8601 with up to seven fraction digits (trailing zeros
 * dropped) and an explicit offset, {@code 2012-08-26T15:05:41.6350025+02:00}; UTC as {@code +00:00}.
 */
public final class DateTimes {

    public static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendPattern("HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 7, true)
            .appendOffset("+HH:MM", "+00:00")
            .toFormatter();

    private DateTimes() {
    }

    /**
     * The instant in {@code zone}, as {@link #FORMAT} writes it for whole hundreds of nanoseconds (what PostgreSQL
     * holds is whole microseconds); finer digits are cut off, and the zeros that leaves at the end dropped too, where
     * the JDK's formatter would keep them ({@code .1576330}, or {@code .0000000} for under 100 ns). Written digit by
     * digit for years 0–9999 and whole-minute offsets (every message's date is formatted for each answer it is in:
     * the formatter's own way, with its fraction through {@code BigDecimal}, was a measurable share of what an
     * answer allocates, BENCHMARKS.md); through {@link #FORMAT} otherwise.
     */
    public static String format(OffsetDateTime value, ZoneId zone) {
        OffsetDateTime there = zone instanceof ZoneOffset offset ? value.withOffsetSameInstant(offset)
                : value.atZoneSameInstant(zone).toOffsetDateTime();
        LocalDateTime t = there.toLocalDateTime();
        int offsetSeconds = there.getOffset().getTotalSeconds();
        if (t.getYear() < 0 || t.getYear() > 9999 || offsetSeconds % 60 != 0) {
            return FORMAT.format(there);
        }
        StringBuilder out = new StringBuilder(34);
        digits(out, t.getYear(), 4).append('-');
        digits(out, t.getMonthValue(), 2).append('-');
        digits(out, t.getDayOfMonth(), 2).append('T');
        digits(out, t.getHour(), 2).append(':');
        digits(out, t.getMinute(), 2).append(':');
        digits(out, t.getSecond(), 2);
        int fraction = t.getNano() / 100; // seven digits, the rest cut off as the formatter does
        if (fraction != 0) {
            int width = 7;
            while (fraction % 10 == 0) {
                fraction /= 10;
                width--;
            }
            digits(out.append('.'), fraction, width);
        }
        int minutes = Math.abs(offsetSeconds) / 60;
        out.append(offsetSeconds < 0 ? '-' : '+');
        digits(out, minutes / 60, 2).append(':');
        return digits(out, minutes % 60, 2).toString();
    }

    /** {@code value} (0 or more, at most {@code width} digits) with leading zeros to {@code width} digits. */
    private static StringBuilder digits(StringBuilder out, int value, int width) {
        for (int unit = pow10(width - 1); unit > 0; unit /= 10) {
            out.append((char) ('0' + value / unit % 10));
        }
        return out;
    }

    private static int pow10(int n) {
        int p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }
}
