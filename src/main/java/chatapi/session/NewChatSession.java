package chatapi.session;

import chatapi.carrier.Carrier;
import chatapi.http.ApiException;
import chatapi.http.Text;

/**
 * The body of POST /api/v1/ChatSession: the customer-supplied fields of a ChatSessionEntity. The
 * server sets WhenRequested, SessionKey and InitialQueuePos, and Status: {@code InQueue}, or
 * {@code OfflineForm} when the body asks for it (a visitor's message left while the topic was closed: it
 * never enters the queue). Other sent properties, and any other Status, are ignored.
 */
public record NewChatSession(
        Integer topicId,
        String customerAlias,
        String customerHost,
        String customerName,
        String customerEmail,
        String customerPhone,
        Boolean customerConsented,
        String customerCompanyName,
        Boolean chatbotIsActive,
        String status) {

    static final String OFFLINE_FORM = "OfflineForm";

    /** The same session in another topic (POST ChatTopic/{id}/Sessions: the path names the topic). */
    public NewChatSession inTopic(int topic) {
        return new NewChatSession(topic, customerAlias, customerHost, customerName, customerEmail, customerPhone,
                customerConsented, customerCompanyName, chatbotIsActive, status);
    }

    /** The status the session is stored with: OfflineForm when asked for (in any case, as enums are read), else InQueue. */
    public String storedStatus() {
        return OFFLINE_FORM.equalsIgnoreCase(status) ? OFFLINE_FORM : "InQueue";
    }

    /** Checked against the column lengths of the catalogue; CustomerHost defaults to {@code remoteHost}. */
    public NewChatSession validated(String remoteHost) {
        if (topicId == null) {
            throw ApiException.badRequest("property.required", "TopicId");
        }
        if (topicId < 1) {
            throw ApiException.badRequest("property.positive", "TopicId");
        }
        String host = customerHost == null || customerHost.isEmpty() ? remoteHost : customerHost;
        return new NewChatSession(topicId,
                text("CustomerAlias", customerAlias),
                text("CustomerHost", host),
                text("CustomerName", customerName),
                text("CustomerEmail", customerEmail),
                text("CustomerPhone", customerPhone),
                Boolean.TRUE.equals(customerConsented),
                text("CustomerCompanyName", customerCompanyName),
                Boolean.TRUE.equals(chatbotIsActive),
                storedStatus());
    }

    private static String text(String property, String value) {
        return Text.optional(property, value, Carrier.CHAT_SESSION.property(property).length());
    }
}
