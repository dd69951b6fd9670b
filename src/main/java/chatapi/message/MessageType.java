package chatapi.message;

/** ChatMessage.Type, sent and accepted by name. */
public enum MessageType {
    Invalid, ToCustomer, ToUser, Special
}
