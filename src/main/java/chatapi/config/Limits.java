package chatapi.config;

import io.vertx.core.json.JsonObject;

/**
 * What one client may take of an instance, part of {@link AppConfig} and read from the same flat keys:
 * the size of an answer, parked requests per credential, and the rate of posted messages per credential.
 *
 * @param maxMessagesPerAnswer   most messages one answer holds (GET Messages, a wake-up, GetChatMessages)
 * @param maxParkedPerCustomer   parked requests at once per customer (per chat session), beyond them 429
 * @param maxParkedPerAgent      parked requests at once per agent, beyond them 429
 * @param customerPostsPerSecond messages a customer may post per second, sustained
 * @param customerPostBurst      messages a customer may post at once before the rate applies
 * @param agentPostsPerSecond    as for customers, per agent
 * @param agentPostBurst         as for customers, per agent
 */
public record Limits(
        int maxMessagesPerAnswer,
        int maxParkedPerCustomer,
        int maxParkedPerAgent,
        int customerPostsPerSecond,
        int customerPostBurst,
        int agentPostsPerSecond,
        int agentPostBurst) {

    public Limits {
        AppConfig.requireRange("maxMessagesPerAnswer", maxMessagesPerAnswer, 1, 100_000);
        AppConfig.requireRange("maxParkedPerCustomer", maxParkedPerCustomer, 1, 1_000_000);
        AppConfig.requireRange("maxParkedPerAgent", maxParkedPerAgent, 1, 1_000_000);
        AppConfig.requireRange("customerPostsPerSecond", customerPostsPerSecond, 1, 1_000_000);
        AppConfig.requireRange("customerPostBurst", customerPostBurst, 1, 1_000_000);
        AppConfig.requireRange("agentPostsPerSecond", agentPostsPerSecond, 1, 1_000_000);
        AppConfig.requireRange("agentPostBurst", agentPostBurst, 1, 1_000_000);
    }

    static Limits fromJson(JsonObject json) {
        return new Limits(
                AppConfig.integer(json, "maxMessagesPerAnswer", 1_000),
                AppConfig.integer(json, "maxParkedPerCustomer", 10),
                AppConfig.integer(json, "maxParkedPerAgent", 500),
                AppConfig.integer(json, "customerPostsPerSecond", 5),
                AppConfig.integer(json, "customerPostBurst", 20),
                AppConfig.integer(json, "agentPostsPerSecond", 50),
                AppConfig.integer(json, "agentPostBurst", 200));
    }
}
