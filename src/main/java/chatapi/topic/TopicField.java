package chatapi.topic;

import java.util.List;
import java.util.Map;

/**
 * One property of SuperOffice's ChatTopicEntity, in the reference page's order: its name on the wire, its
 * column, its kind, and for text its length, for a nested object the names (and kinds) it may hold.
 */
record TopicField(String name, String column, Kind kind, int length, Map<String, Kind> nested) {

    enum Kind { ID, TEXT, INT, BOOL, DATETIME, OBJECT, TIME }

    static TopicField text(String name, String column, int length) {
        return new TopicField(name, column, Kind.TEXT, length, Map.of());
    }

    static TopicField of(String name, String column, Kind kind) {
        return new TopicField(name, column, kind, 0, Map.of());
    }

    static TopicField object(String name, String column, Map<String, Kind> nested) {
        return new TopicField(name, column, Kind.OBJECT, 0, nested);
    }

    /** A list item (CustomerLanguage, TicketCategory, TicketPriority). */
    private static final Map<String, Kind> LIST_ITEM = Map.of("Id", Kind.INT, "Value", Kind.TEXT, "Tooltip", Kind.TEXT);

    private static Map<String, Kind> openingHours() {
        java.util.Map<String, Kind> kinds = new java.util.LinkedHashMap<>();
        kinds.put("TzLocation", Kind.OBJECT);
        for (String day : OpeningHours.DAYS) {
            kinds.put(day + "Enabled", Kind.BOOL);
            kinds.put(day + "Start", Kind.TIME);
            kinds.put(day + "Stop", Kind.TIME);
        }
        kinds.put("UseLunchHours", Kind.BOOL);
        kinds.put("LunchStart", Kind.TIME);
        kinds.put("LunchStop", Kind.TIME);
        return kinds;
    }

    private static Map<String, Kind> widget() {
        java.util.Map<String, Kind> kinds = new java.util.LinkedHashMap<>();
        for (String bool : List.of("AutoFaqEnabled", "PreFormEnabled", "PostFormEnabled", "PostTranscriptEnabled",
                "LogoEnabled", "ShowAgentPhoto", "UseAgentFirstname")) {
            kinds.put(bool, Kind.BOOL);
        }
        kinds.put("AutoFaqCategory", Kind.OBJECT);
        kinds.put("LogoBlobId", Kind.INT);
        for (String text : List.of("PreFormMessage", "RequiredFields", "PostFormHeader", "PostFormMessage",
                "LanguageIsoCode", "Size", "Theme", "Color", "Font", "LogoName", "WelcomeTitle", "WelcomeMessage",
                "OfflineHeader", "OfflineMessage", "OfflineFields", "AgentMsgColor", "AgentMsgTextColor", "BadgeColor",
                "BadgeTextColor", "ButtonColor", "ButtonTextColor", "CustMsgColor", "CustMsgTextColor", "FontSize")) {
            kinds.put(text, Kind.TEXT);
        }
        return kinds;
    }

    /** ChatTopicEntity's properties in the reference page's order. */
    static final List<TopicField> ALL = List.of(
            of("ChatTopicId", "topic_id", Kind.ID),
            text("Name", "name", 255),
            text("Description", "description", 2000),
            text("WelcomeMessage", "welcome_message", 2000),
            object("Language", "language", LIST_ITEM),
            of("LastAccept", "last_accept", Kind.DATETIME),
            of("SecondsPrAccept", "seconds_pr_accept", Kind.INT),
            text("AlertRecipient", "alert_recipient", 255),
            object("AlertTemplate", "alert_template",
                    Map.of("ReplyTemplateId", Kind.INT, "Name", Kind.TEXT, "Description", Kind.TEXT, "FolderId", Kind.INT)),
            of("CollectConsent", "collect_consent", Kind.BOOL),
            text("BadgeHeader", "badge_header", 255),
            of("CustomQueueTextEnabled", "custom_queue_text_enabled", Kind.BOOL),
            text("CustomQueueText", "custom_queue_text", 2000),
            of("WarnNewChatMinutes", "warn_new_chat_minutes", Kind.INT),
            of("WarnManagerNewChatMinutes", "warn_manager_new_chat_minutes", Kind.INT),
            of("TicketEnabled", "ticket_enabled", Kind.BOOL),
            object("TicketCategory", "ticket_category", LIST_ITEM),
            object("TicketPriority", "ticket_priority", LIST_ITEM),
            of("OpeningHoursEnabled", "opening_hours_enabled", Kind.BOOL),
            object("OpeningHours", "opening_hours", openingHours()),
            object("Widget", "widget", widget()),
            of("BotEnabled", "bot_enabled", Kind.BOOL),
            object("BotSettings", "bot_settings", Map.of("BotName", Kind.TEXT, "BotRegisterScriptId", Kind.INT,
                    "BotSessionCreatedScriptId", Kind.INT, "BotSessionChangedScriptId", Kind.INT,
                    "BotMessageReceivedScriptId", Kind.INT)),
            of("OfflineCollectConsent", "offline_collect_consent", Kind.BOOL),
            of("WarnChatMessageMinutes", "warn_chat_message_minutes", Kind.INT),
            of("WarnManagerChatMessageMinutes", "warn_manager_chat_message_minutes", Kind.INT),
            of("UseQueueOfflineForm", "use_queue_offline_form", Kind.BOOL),
            of("OfflineFormTimeLimit", "offline_form_time_limit", Kind.INT),
            of("OfflineFormQueueLength", "offline_form_queue_length", Kind.INT),
            of("WidgetEnableRating", "widget_enable_rating", Kind.BOOL),
            text("WidgetRatingText", "widget_rating_text", 255));

    /** What a customer's widget reads of its topic; the other properties are null for it. */
    static final java.util.Set<String> PUBLIC = java.util.Set.of("ChatTopicId", "Name", "Description", "WelcomeMessage",
            "Language", "CollectConsent", "BadgeHeader", "CustomQueueTextEnabled", "CustomQueueText", "TicketEnabled",
            "OpeningHoursEnabled", "OpeningHours", "Widget", "OfflineCollectConsent", "UseQueueOfflineForm",
            "OfflineFormTimeLimit", "OfflineFormQueueLength", "WidgetEnableRating", "WidgetRatingText");

    /** What a client writes: every property but the id and the statistics the server keeps. */
    static final List<TopicField> WRITABLE = ALL.stream()
            .filter(f -> f.kind != Kind.ID && !f.name.equals("LastAccept") && !f.name.equals("SecondsPrAccept")).toList();

    /** The property of this name, in any case; null when there is none. */
    static TopicField named(String name) {
        return ALL.stream().filter(f -> f.name.equalsIgnoreCase(name)).findFirst().orElse(null);
    }
}
