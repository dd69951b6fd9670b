package chatapi.session;

import chatapi.carrier.ChatSessionFlags;
import chatapi.http.DateTimes;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HexFormat;

/**
 * What a session event tells about a session, as read at one moment: its status, its flags as they read then
 * (typing flags expire), its place in its topic's queue, who serves it and when it started and ended. Streams
 * get it as {@code event: session}; a customer's GET of its session is this and nothing else.
 *
 * @param customerTypingMs how long CustomerIsTyping still holds after the read, at most a day (null: not typing)
 * @param userTypingMs     how long UserIsTyping still holds after the read (null: not typing)
 * @param queuePosition    1 + the sessions of its topic requested before it and still in the queue; null when
 *                         the session is not {@code InQueue}
 * @param updated          when the session's row last changed (the agents' ETag)
 */
public record SessionState(int chatSessionId, int topicId, String status, int flags, Long customerTypingMs,
        Long userTypingMs, Integer queuePosition, Integer userAssociateId, String userFullName,
        OffsetDateTime whenStarted, OffsetDateTime whenEnded, OffsetDateTime updated) {

    /** The state's columns over {@code chat_session s LEFT JOIN associate a ON a.associate_id = s.user_associate_id}. */
    static final String COLUMNS = "s.chat_session_id, s.topic_id, s.status, " + SessionStore.LIVE_FLAGS + ","
            + " CASE WHEN s.flags & 1 = 1 AND s.customer_typing_until > now()"
            + " THEN least(86400000, ceil(extract(epoch FROM s.customer_typing_until - now()) * 1000))::bigint END,"
            + " CASE WHEN s.flags & 2 = 2 AND s.user_typing_until > now()"
            + " THEN least(86400000, ceil(extract(epoch FROM s.user_typing_until - now()) * 1000))::bigint END,"
            + " CASE WHEN s.status = 'InQueue' THEN 1 + (SELECT count(*) FROM chat_session q"
            + " WHERE q.status = 'InQueue' AND q.topic_id = s.topic_id"
            + " AND (q.when_requested, q.chat_session_id) < (s.when_requested, s.chat_session_id))::integer END,"
            + " a.associate_id, a.full_name, s.when_started, s.when_ended, s.updated";

    static SessionState from(Row row) {
        return new SessionState(row.getInteger(0), row.getInteger(1), row.getString(2), row.getInteger(3),
                row.getLong(4), row.getLong(5), row.getInteger(6), row.getInteger(7), row.getString(8),
                row.getOffsetDateTime(9), row.getOffsetDateTime(10), row.getOffsetDateTime(11));
    }

    /** The milliseconds until a typing flag of this state expires (null when none is set). */
    public Long nextExpiryMs() {
        if (customerTypingMs == null) {
            return userTypingMs;
        }
        return userTypingMs == null ? customerTypingMs : Math.min(customerTypingMs, userTypingMs);
    }

    /** {@code {"ChatSessionId","Status","Flags","QueuePosition","User":{"AssociateId","FullName"}|null,"WhenStarted","WhenEnded"}}. */
    public void writeEvent(JsonGenerator g, ZoneId zone) throws IOException {
        g.writeStartObject();
        writeFields(g, zone);
        g.writeEndObject();
    }

    /** The event's fields, inside an object the caller opens and closes. */
    void writeFields(JsonGenerator g, ZoneId zone) throws IOException {
        g.writeNumberField("ChatSessionId", chatSessionId);
        g.writeStringField("Status", status);
        g.writeStringField("Flags", ChatSessionFlags.names(flags));
        g.writeFieldName("QueuePosition");
        if (queuePosition == null) {
            g.writeNull();
        } else {
            g.writeNumber(queuePosition);
        }
        g.writeFieldName("User");
        if (userAssociateId == null) {
            g.writeNull();
        } else {
            g.writeStartObject();
            g.writeNumberField("AssociateId", userAssociateId);
            g.writeStringField("FullName", userFullName);
            g.writeEndObject();
        }
        g.writeStringField("WhenStarted", whenStarted == null ? null : DateTimes.format(whenStarted, zone));
        g.writeStringField("WhenEnded", whenEnded == null ? null : DateTimes.format(whenEnded, zone));
    }

    /**
     * The ETag of the session as the caller sees it. A customer sees the event's fields, so its tag changes
     * exactly when they do; an agent sees the whole entity, so its tag follows every change of the row
     * ({@code updated}) and of the typing flags, which expire without the row changing. Weak: an agent's
     * entity also shows related objects (a person's name, say), which may change under the same tag.
     */
    public String etag(boolean agent) {
        return agent ? agentEtag(updated, flags)
                : tag("c|" + status + "|" + flags + "|" + queuePosition + "|" + userAssociateId + "|" + userFullName
                        + "|" + (whenStarted == null ? null : whenStarted.toInstant())
                        + "|" + (whenEnded == null ? null : whenEnded.toInstant()));
    }

    /** The agents' ETag of a session last updated at {@code updated} whose flags read {@code flags}. */
    static String agentEtag(OffsetDateTime updated, int flags) {
        return tag("a|" + updated.toInstant() + "|" + flags);
    }

    private static String tag(String seen) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seen.getBytes(StandardCharsets.UTF_8));
            return "W/\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
