package chatapi.topic;

import chatapi.http.TimeZones;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * Whether a topic is within its opening hours at an instant (IsWithinOpeningHours). Without opening hours
 * enabled, always. Otherwise the day's {@code <Day>Enabled} and {@code [<Day>Start, <Day>Stop)}, less the lunch
 * break {@code [LunchStart, LunchStop)} when {@code UseLunchHours}, in the zone {@code TzLocation} names
 * ({@code {"Name": "Europe/Oslo"}}: an IANA name or a SuperOffice zone code; UTC without one).
 */
final class OpeningHours {

    static final List<String> DAYS = List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");

    private OpeningHours() {
    }

    static boolean isOpen(boolean enabled, JsonObject hours, Instant now) {
        if (!enabled) {
            return true;
        }
        if (hours == null) {
            return false;
        }
        ZonedDateTime local = now.atZone(zone(hours.getJsonObject("TzLocation")));
        String day = DAYS.get(local.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue());
        LocalTime time = local.toLocalTime();
        if (!Boolean.TRUE.equals(hours.getBoolean(day + "Enabled")) || !within(time, hours, day + "Start", day + "Stop")) {
            return false;
        }
        return !(Boolean.TRUE.equals(hours.getBoolean("UseLunchHours")) && within(time, hours, "LunchStart", "LunchStop"));
    }

    private static boolean within(LocalTime time, JsonObject hours, String startKey, String stopKey) {
        String start = hours.getString(startKey);
        String stop = hours.getString(stopKey);
        if (start == null || stop == null) {
            return false;
        }
        return !time.isBefore(LocalTime.parse(start)) && time.isBefore(LocalTime.parse(stop));
    }

    private static ZoneId zone(JsonObject location) {
        Object name = location == null ? null : location.getValue("Name");
        ZoneId zone = name instanceof String text && !text.isBlank() ? TimeZones.resolve(text.trim()) : null;
        return zone == null ? ZoneOffset.UTC : zone;
    }
}
