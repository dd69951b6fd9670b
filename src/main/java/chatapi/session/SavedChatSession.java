package chatapi.session;

import chatapi.carrier.Carrier;
import chatapi.carrier.ChatSessionFlags;
import chatapi.http.ApiException;
import chatapi.http.Text;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A ChatSessionEntity sent to be stored (SaveChatSessionEntity): the properties a client may set. Related
 * objects count by their id only ({@code "User":{"AssociateId":5}}, or null for none); what the server
 * keeps itself (FirstMessage, LastMessage, the When… times, SessionKey, InitialQueuePos) and anything
 * unknown is ignored. Flags are taken as names ({@code "CustomerIsTyping, UserIsTyping"}, {@code "None"})
 * or as the bit mask (0–3).
 */
public record SavedChatSession(
        Integer chatSessionId,
        Integer topicId,
        Link user,
        Link person,
        String customerAlias,
        String customerHost,
        String customerName,
        String customerEmail,
        String customerPhone,
        Boolean customerConsented,
        String customerCompanyName,
        String status,
        Integer alertLevel,
        Integer rank,
        JsonNode flags,
        Link contact,
        Link project,
        Link sale,
        Link ticket,
        Link transferTo,
        Boolean chatbotIsActive) {

    /** A related object as the client sends it: only its id counts. */
    public record Link(Integer associateId, Integer personId, Integer contactId, Integer projectId, Integer saleId,
            Integer ticketId) {
    }

    /** ChatSession.Status names (CONTRACT §6). */
    static final Set<String> STATUSES = Set.of("Invalid", "PreChatForm", "Faq", "OfflineForm", "InQueue",
            "CustomerLast", "UserLast", "Finished", "Deleted", "Closed", "RequestPosted", "ClosedFromQueue");

    /** The columns written, in the order of {@link #values()}. */
    static final List<String> COLUMNS = List.of("topic_id", "user_associate_id", "person_id", "customer_alias",
            "customer_host", "customer_name", "customer_email", "customer_phone", "customer_consented",
            "customer_company_name", "status", "alert_level", "rank", "flags", "contact_id", "project_id", "sale_id",
            "ticket_id", "transfer_to_associate_id", "chatbot_is_active");

    /** The same entity for the session in the path (PUT): the body's own id does not count. */
    public SavedChatSession withId(int id) {
        return new SavedChatSession(id, topicId, user, person, customerAlias, customerHost, customerName, customerEmail,
                customerPhone, customerConsented, customerCompanyName, status, alertLevel, rank, flags, contact, project,
                sale, ticket, transferTo, chatbotIsActive);
    }

    /** 0 or absent: a new session. */
    public int id() {
        if (chatSessionId != null && chatSessionId < 0) {
            throw ApiException.badRequest("property.positive", "ChatSessionId");
        }
        return chatSessionId == null ? 0 : chatSessionId;
    }

    /** The column values, checked (lengths, names, ids), in the order of {@link #COLUMNS}. */
    List<Object> values() {
        if (topicId == null || topicId == 0) {
            throw ApiException.badRequest("property.required", "TopicId");
        }
        return new ArrayList<>(Arrays.asList(
                positive("TopicId", topicId),
                link("User", user == null ? null : user.associateId()),
                link("Person", person == null ? null : person.personId()),
                text("CustomerAlias", customerAlias),
                text("CustomerHost", customerHost),
                text("CustomerName", customerName),
                text("CustomerEmail", customerEmail),
                text("CustomerPhone", customerPhone),
                Boolean.TRUE.equals(customerConsented),
                text("CustomerCompanyName", customerCompanyName),
                statusName(),
                alertLevel == null ? 0 : alertLevel,
                rank == null ? 0 : rank,
                flagMask(),
                link("Contact", contact == null ? null : contact.contactId()),
                link("Project", project == null ? null : project.projectId()),
                link("Sale", sale == null ? null : sale.saleId()),
                link("Ticket", ticket == null ? null : ticket.ticketId()),
                link("TransferTo", transferTo == null ? null : transferTo.associateId()),
                Boolean.TRUE.equals(chatbotIsActive)));
    }

    private String statusName() {
        if (status == null || status.isEmpty()) {
            return "InQueue";
        }
        return STATUSES.stream().filter(s -> s.equalsIgnoreCase(status)).findFirst()
                .orElseThrow(() -> ApiException.badRequest("property.invalidValue", "Status", chatapi.http.Errors.echo(status)));
    }

    private int flagMask() {
        return flagMask(flags);
    }

    /** Flags as a client sends them (names, comma-separated, or the bit mask) as a bit mask; a 400 otherwise. */
    static int flagMask(JsonNode flags) {
        if (flags == null || flags.isNull()) {
            return 0;
        }
        if (flags.isInt() && flags.intValue() >= 0 && flags.intValue() <= 3) {
            return flags.intValue();
        }
        if (flags.isTextual()) {
            int mask = 0;
            for (String name : flags.textValue().split(",")) {
                switch (name.trim().toLowerCase(Locale.ROOT)) {
                    case "", "none" -> { }
                    case "customeristyping" -> mask |= ChatSessionFlags.CUSTOMER_IS_TYPING;
                    case "useristyping" -> mask |= ChatSessionFlags.USER_IS_TYPING;
                    default -> throw ApiException.badRequest("property.invalidValue", "Flags", chatapi.http.Errors.echo(flags.textValue()));
                }
            }
            return mask;
        }
        throw ApiException.badRequest("property.invalidValue", "Flags", chatapi.http.Errors.echo(flags.toString()));
    }

    /** A related object's id: 0 and absent mean none. */
    private static Integer link(String property, Integer id) {
        return id == null || id == 0 ? null : positive(property, id);
    }

    private static int positive(String property, int value) {
        if (value < 1) {
            throw ApiException.badRequest("property.positive", property);
        }
        return value;
    }

    private static String text(String property, String value) {
        return Text.optional(property, value, Carrier.CHAT_SESSION.property(property).length());
    }
}
