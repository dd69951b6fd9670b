package chatapi.auth;

import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * Who is calling: an agent (any session) or a customer bound to one chat session. Put on the routing
 * context by {@link Authenticator}.
 *
 * @param name           the agent's login name or the token's subject; null when unknown
 * @param associateId    the agent's associate id when known (Basic, tickets)
 * @param chatSessionId  the customer's session
 * @param expiresAt      when the credential stops being valid; null for Basic
 */
public record Principal(Role role, String name, Integer associateId, Integer chatSessionId, Instant expiresAt) {

    public enum Role { AGENT, CUSTOMER }

    private static final String KEY = "chatapi.principal";

    static Principal agent(String name, Integer associateId, Instant expiresAt) {
        return new Principal(Role.AGENT, name, associateId, null, expiresAt);
    }

    static Principal customer(int chatSessionId, String subject, Instant expiresAt) {
        return new Principal(Role.CUSTOMER, subject, null, chatSessionId, expiresAt);
    }

    public boolean isAgent() {
        return role == Role.AGENT;
    }

    /**
     * Whose quota a request takes (parked requests, posted messages): a customer's chat session (every token
     * of one session is one visitor), or an agent's name in any case (agent tokens without a subject share one).
     */
    public Object quotaKey() {
        return isAgent() ? (name == null ? "" : name.toLowerCase(java.util.Locale.ROOT)) : chatSessionId;
    }

    /** Agents use every session; a customer only their own. */
    public boolean mayUseSession(int id) {
        return isAgent() || chatSessionId == id;
    }

    /**
     * When the credential expires, in epoch milliseconds; {@link Long#MAX_VALUE} when it does not (Basic). A wait or
     * a stream never outlives its credential.
     */
    public long expiresAtMillis() {
        return expiresAt == null ? Long.MAX_VALUE : expiresAt.toEpochMilli();
    }

    /** Milliseconds until the credential expires (0 when it has); {@link Long#MAX_VALUE} when it does not. */
    public long millisUntilExpiry() {
        return expiresAt == null ? Long.MAX_VALUE : Math.max(0, expiresAt.toEpochMilli() - System.currentTimeMillis());
    }

    /** The caller of an authenticated request. */
    public static Principal of(RoutingContext ctx) {
        return ctx.get(KEY);
    }

    void attach(RoutingContext ctx) {
        ctx.put(KEY, this);
    }
}
