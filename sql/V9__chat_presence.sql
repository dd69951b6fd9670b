-- Chat presence: an agent is present (takes chats) or away, for the topics it has roles in. An agent without a
-- row is away. A topic is open (IsOpen) only while one of its responders is present; the queue (ForCurrentUser,
-- Pickup of the next session) offers an agent the sessions of the topics it responds in, while it is present.
CREATE TABLE chat_presence (
    associate_id integer     PRIMARY KEY REFERENCES associate (associate_id) ON DELETE CASCADE,
    present      boolean     NOT NULL DEFAULT false,
    changed      timestamptz NOT NULL DEFAULT now()
);
