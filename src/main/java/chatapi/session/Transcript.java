package chatapi.session;

import chatapi.message.ChatMessage;
import chatapi.message.MessageType;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** A chat's messages as a transcript: one line per message, as plain text or as HTML (escaped). */
final class Transcript {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Transcript() {
    }

    /** The transcript of the messages; {@code cut} adds a last line saying that the conversation goes on. */
    static String of(List<ChatMessage> messages, boolean html, ZoneId zone, boolean cut) {
        StringBuilder out = new StringBuilder(html ? "<div class=\"chat-transcript\">\n" : "");
        for (ChatMessage m : messages) {
            String when = TIME.format(m.whenPosted().atZoneSameInstant(zone));
            boolean special = MessageType.Special.name().equals(m.type());
            String text = special && m.message().isEmpty() ? m.specialType() : m.message();
            if (html) {
                out.append("<p class=\"").append(special ? "special" : MessageType.ToUser.name().equals(m.type()) ? "customer" : "agent")
                        .append("\"><time>").append(when).append("</time> <b>").append(escape(m.author()))
                        .append("</b>: ").append(escape(text).replace("\n", "<br>")).append("</p>\n");
            } else {
                out.append(when).append(' ').append(special ? "* " : "").append(m.author()).append(": ").append(text)
                        .append('\n');
            }
        }
        if (cut) {
            String note = "(the transcript ends here: it holds the first " + messages.size() + " messages)";
            out.append(html ? "<p class=\"special\">" + note + "</p>\n" : note + "\n");
        }
        return html ? out.append("</div>\n").toString() : out.toString();
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
