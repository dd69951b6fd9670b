package chatapi.message;

import chatapi.http.Text;

/**
 * The body of POST …/Messages: a ChatMessage without the server-assigned ChatMessageId,
 * ChatSessionId and WhenPosted (sent ones are ignored). Validated by {@link #validated()}.
 */
public record NewChatMessage(
        String message,
        MessageType type,
        String author,
        Integer readByCustomer,
        SpecialType specialType,
        String specialParam) {

    public static final int MESSAGE_LENGTH = 32_000;
    public static final int AUTHOR_LENGTH = 255;
    public static final int SPECIAL_PARAM_LENGTH = 2_000;

    /** The message with CONTRACT §7's limits checked and defaults filled in (Type ToUser, SpecialType None). */
    public NewChatMessage validated() {
        return new NewChatMessage(
                Text.required("Message", message, MESSAGE_LENGTH),
                type == null ? MessageType.ToUser : type,
                Text.optional("Author", author, AUTHOR_LENGTH),
                readByCustomer == null ? 0 : readByCustomer,
                specialType == null ? SpecialType.None : specialType,
                Text.optional("SpecialParam", specialParam, SPECIAL_PARAM_LENGTH));
    }
}
