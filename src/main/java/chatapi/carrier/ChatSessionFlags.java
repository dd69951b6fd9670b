package chatapi.carrier;

import java.util.StringJoiner;

/** ChatSession.Flags: a bit mask in the database, comma-separated flag names on the wire. */
public final class ChatSessionFlags {

    public static final int CUSTOMER_IS_TYPING = 1;
    public static final int USER_IS_TYPING = 2;
    /** What is sent when no flag is set. */
    public static final String NONE = "None";

    private ChatSessionFlags() {
    }

    public static String names(int mask) {
        if (mask == 0) {
            return NONE;
        }
        StringJoiner names = new StringJoiner(", ");
        if ((mask & CUSTOMER_IS_TYPING) != 0) {
            names.add("CustomerIsTyping");
        }
        if ((mask & USER_IS_TYPING) != 0) {
            names.add("UserIsTyping");
        }
        return names.toString();
    }
}
