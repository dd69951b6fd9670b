-- When a session last changed (any UPDATE: a message posted, a pickup, a PUT or PATCH): answered as
-- Last-Modified and checked against If-Unmodified-Since (412), and the optimistic check of PATCH.
ALTER TABLE chat_session ADD COLUMN updated timestamptz NOT NULL DEFAULT now();

CREATE FUNCTION chat_session_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated := clock_timestamp();
    RETURN NEW;
END
$$;

CREATE TRIGGER chat_session_touch
    BEFORE UPDATE ON chat_session
    FOR EACH ROW EXECUTE FUNCTION chat_session_touch();
