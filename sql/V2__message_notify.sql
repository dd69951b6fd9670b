-- Long-poll support: every committed message wakes the parked requests of its session on every
-- instance, whoever wrote it (the API, another instance, psql).

-- Ids in commit order within a session. Long-polling clients ask for "messages after the last id I
-- saw", so a message must never become visible after one with a higher id of the same session. The
-- id is therefore drawn only once the session row is locked: concurrent writers to one session
-- take ids in the order they will commit (the lock is held until then). This holds for every
-- writer, including plain INSERTs that do not go through the API; an explicit id is replaced.
-- The column's default is dropped so that no id is drawn before the lock (nor wasted).
ALTER TABLE chat_message ALTER COLUMN chat_message_id DROP IDENTITY IF EXISTS;
CREATE SEQUENCE chat_message_id_seq AS integer OWNED BY chat_message.chat_message_id;
SELECT setval('chat_message_id_seq', coalesce(max(chat_message_id), 0) + 1, false) FROM chat_message;

CREATE FUNCTION chat_message_take_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM chat_session WHERE chat_session_id = NEW.chat_session_id FOR UPDATE;
    NEW.chat_message_id := nextval('chat_message_id_seq');
    RETURN NEW;
END
$$;

CREATE TRIGGER chat_message_take_id
    BEFORE INSERT ON chat_message
    FOR EACH ROW EXECUTE FUNCTION chat_message_take_id();

-- NOTIFY is delivered at commit, and only then: a woken instance always sees the new row. The
-- payload is just the session id; PostgreSQL folds identical notifications of one transaction.
CREATE FUNCTION chat_message_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('chat_message', NEW.chat_session_id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER chat_message_notify
    AFTER INSERT ON chat_message
    FOR EACH ROW EXECUTE FUNCTION chat_message_notify();
