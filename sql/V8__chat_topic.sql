-- The ChatTopic resource (SuperOffice's ChatTopicEntity) and the agents' rights on a topic (ChatTopicAgent).
-- Scalars are columns; the nested carriers (Language, AlertTemplate, TicketCategory, TicketPriority,
-- OpeningHours, Widget, BotSettings) are JSON objects of known properties (validated by the API), NULL when unset.
ALTER TABLE chat_topic
    ADD COLUMN language                          jsonb,
    ADD COLUMN last_accept                       timestamptz,
    ADD COLUMN seconds_pr_accept                 integer       NOT NULL DEFAULT 0,
    ADD COLUMN alert_recipient                   varchar(255)  NOT NULL DEFAULT '',
    ADD COLUMN alert_template                    jsonb,
    ADD COLUMN collect_consent                   boolean       NOT NULL DEFAULT false,
    ADD COLUMN badge_header                      varchar(255)  NOT NULL DEFAULT '',
    ADD COLUMN custom_queue_text_enabled         boolean       NOT NULL DEFAULT false,
    ADD COLUMN custom_queue_text                 varchar(2000) NOT NULL DEFAULT '',
    ADD COLUMN warn_new_chat_minutes             integer       NOT NULL DEFAULT 0,
    ADD COLUMN warn_manager_new_chat_minutes     integer       NOT NULL DEFAULT 0,
    ADD COLUMN ticket_enabled                    boolean       NOT NULL DEFAULT false,
    ADD COLUMN ticket_category                   jsonb,
    ADD COLUMN ticket_priority                   jsonb,
    ADD COLUMN opening_hours_enabled             boolean       NOT NULL DEFAULT false,
    ADD COLUMN opening_hours                     jsonb,
    ADD COLUMN widget                            jsonb,
    ADD COLUMN bot_enabled                       boolean       NOT NULL DEFAULT false,
    ADD COLUMN bot_settings                      jsonb,
    ADD COLUMN offline_collect_consent           boolean       NOT NULL DEFAULT false,
    ADD COLUMN warn_chat_message_minutes         integer       NOT NULL DEFAULT 0,
    ADD COLUMN warn_manager_chat_message_minutes integer       NOT NULL DEFAULT 0,
    ADD COLUMN use_queue_offline_form            boolean       NOT NULL DEFAULT false,
    ADD COLUMN offline_form_time_limit           integer       NOT NULL DEFAULT 0,
    ADD COLUMN offline_form_queue_length         integer       NOT NULL DEFAULT 0,
    ADD COLUMN widget_enable_rating              boolean       NOT NULL DEFAULT false,
    ADD COLUMN widget_rating_text                varchar(255)  NOT NULL DEFAULT '';

-- Who may do what in a topic: listen in, respond, manage the topic, be notified.
CREATE TABLE chat_topic_agent (
    topic_id     integer NOT NULL REFERENCES chat_topic (topic_id) ON DELETE CASCADE,
    associate_id integer NOT NULL REFERENCES associate (associate_id) ON DELETE CASCADE,
    can_listen   boolean NOT NULL DEFAULT false,
    can_respond  boolean NOT NULL DEFAULT false,
    can_manage   boolean NOT NULL DEFAULT false,
    can_notify   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (topic_id, associate_id)
);
CREATE INDEX chat_topic_agent_associate_idx ON chat_topic_agent (associate_id);

-- An administrator manages every topic and its agents.
ALTER TABLE associate ADD COLUMN is_administrator boolean NOT NULL DEFAULT false;
