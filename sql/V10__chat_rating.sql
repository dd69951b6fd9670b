-- A customer's rating of a chat after it ended, when the session's topic has WidgetEnableRating: 1 (poor) to 5
-- (excellent) and an optional comment, once per session. SuperOffice's ChatSessionEntity has no rating property,
-- so it is a resource of its own (ChatSession/{id}/Rating) in a table of its own: rating a session neither
-- changes its `updated` nor notifies its watchers.
CREATE TABLE chat_session_rating (
    chat_session_id integer       PRIMARY KEY REFERENCES chat_session (chat_session_id) ON DELETE CASCADE,
    rating          smallint      NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment         varchar(2000) NOT NULL DEFAULT '',
    when_rated      timestamptz   NOT NULL DEFAULT now()
);
