package chatapi.config;

import io.vertx.core.json.JsonObject;

/**
 * Live sessions: event streams and typing.
 *
 * @param sseHeartbeatSeconds    how often an idle event stream gets a {@code : keep-alive} comment
 * @param typingTimeoutSeconds   how long a typing flag lasts unless it is set again
 * @param typingUpdatesPerSecond typing updates (Flags-only PATCHes) per credential and second, after the burst
 * @param typingUpdateBurst      typing updates per credential before the rate applies
 */
public record Live(int sseHeartbeatSeconds, int typingTimeoutSeconds, int typingUpdatesPerSecond,
        int typingUpdateBurst) {

    public Live {
        AppConfig.requireRange("sseHeartbeatSeconds", sseHeartbeatSeconds, 1, 300);
        AppConfig.requireRange("typingTimeoutSeconds", typingTimeoutSeconds, 1, 300);
        AppConfig.requireRange("typingUpdatesPerSecond", typingUpdatesPerSecond, 1, 1_000);
        AppConfig.requireRange("typingUpdateBurst", typingUpdateBurst, 1, 1_000);
    }

    static Live fromJson(JsonObject json) {
        return new Live(
                AppConfig.integer(json, "sseHeartbeatSeconds", 15),
                AppConfig.integer(json, "typingTimeoutSeconds", 6),
                AppConfig.integer(json, "typingUpdatesPerSecond", 1),
                AppConfig.integer(json, "typingUpdateBurst", 5));
    }
}
