package chatapi.http;

import java.time.OffsetDateTime;
import java.time.ZoneId;
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

    public static String format(OffsetDateTime value, ZoneId zone) {
        return FORMAT.format(value.atZoneSameInstant(zone));
    }
}
