package chatapi.http;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code SO-TimeZone}: SuperOffice's zone codes (case-insensitive) and IANA zone names, to a zone
 * that date-times are converted to, with the offset in force at each instant.
 */
public final class TimeZones {

    /** SuperOffice codes and the IANA zone each stands for (the README lists them). */
    public static final Map<String, String> CODES = codes();

    private static final Map<String, ZoneId> BY_NAME = index();

    private TimeZones() {
    }

    /** The zone a header value names, or null when it names none. */
    public static ZoneId resolve(String value) {
        return BY_NAME.get(value.trim().toLowerCase(Locale.ROOT));
    }

    private static Map<String, String> codes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("UTC", "UTC");
        codes.put("GMT", "UTC");
        codes.put("NO", "Europe/Oslo");
        codes.put("SE", "Europe/Stockholm");
        codes.put("DK", "Europe/Copenhagen");
        codes.put("FI", "Europe/Helsinki");
        codes.put("IS", "Atlantic/Reykjavik");
        codes.put("GB", "Europe/London");
        codes.put("UK", "Europe/London");
        codes.put("IE", "Europe/Dublin");
        codes.put("DE", "Europe/Berlin");
        codes.put("NL", "Europe/Amsterdam");
        codes.put("BE", "Europe/Brussels");
        codes.put("FR", "Europe/Paris");
        codes.put("ES", "Europe/Madrid");
        codes.put("IT", "Europe/Rome");
        codes.put("PL", "Europe/Warsaw");
        codes.put("CH", "Europe/Zurich");
        codes.put("AT", "Europe/Vienna");
        codes.put("US-NY", "America/New_York");
        codes.put("US-CHI", "America/Chicago");
        codes.put("US-DEN", "America/Denver");
        codes.put("US-PHX", "America/Phoenix");
        codes.put("US-LA", "America/Los_Angeles");
        codes.put("AU-ACT", "Australia/Sydney");
        codes.put("JP", "Asia/Tokyo");
        codes.put("IN", "Asia/Kolkata");
        return Map.copyOf(codes);
    }

    private static Map<String, ZoneId> index() {
        Map<String, ZoneId> byName = new HashMap<>();
        for (String id : ZoneId.getAvailableZoneIds()) {
            byName.put(id.toLowerCase(Locale.ROOT), ZoneId.of(id));
        }
        CODES.forEach((code, zone) -> byName.put(code.toLowerCase(Locale.ROOT),
                zone.equals("UTC") ? ZoneOffset.UTC : ZoneId.of(zone)));
        return Map.copyOf(byName);
    }
}
