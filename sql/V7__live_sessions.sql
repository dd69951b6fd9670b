-- Live sessions: session events pushed to event streams and waiting GETs on every instance, typing flags
-- that expire, and queue positions.

-- A typing flag lasts until its time (set by each typing update, typingTimeoutSeconds ahead): a flag whose
-- time has passed, or that has none, reads as cleared. The stored bit stays as written.
ALTER TABLE chat_session ADD COLUMN customer_typing_until timestamptz;
ALTER TABLE chat_session ADD COLUMN user_typing_until timestamptz;

CREATE FUNCTION chat_session_live_flags(flags integer, customer_until timestamptz, user_until timestamptz)
RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT (flags & ~3)
        | CASE WHEN flags & 1 = 1 AND customer_until > now() THEN 1 ELSE 0 END
        | CASE WHEN flags & 2 = 2 AND user_until > now() THEN 2 ELSE 0 END
$$;

-- QueuePosition: 1 + the sessions of the same topic requested before it and still in the queue.
CREATE INDEX chat_session_queue_idx ON chat_session (topic_id, when_requested, chat_session_id)
    WHERE status = 'InQueue';

-- Every change a session event shows, and every arrival in or departure from a queue, is notified on the
-- channel chat_session with "<session id> <topic id>[ <previous topic id>]", delivered at commit. Updates that
-- change none of those columns (a posted message's LastMessage) notify nothing here: the message's own
-- notification (channel chat_message) covers them.
CREATE FUNCTION chat_session_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('chat_session', OLD.chat_session_id::text || ' ' || OLD.topic_id::text);
    ELSIF TG_OP = 'UPDATE' AND OLD.topic_id <> NEW.topic_id THEN
        PERFORM pg_notify('chat_session', NEW.chat_session_id::text || ' ' || NEW.topic_id::text || ' '
                || OLD.topic_id::text);
    ELSE
        PERFORM pg_notify('chat_session', NEW.chat_session_id::text || ' ' || NEW.topic_id::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER chat_session_arrival_notify
    AFTER INSERT OR DELETE ON chat_session
    FOR EACH ROW EXECUTE FUNCTION chat_session_notify();

CREATE TRIGGER chat_session_change_notify
    AFTER UPDATE ON chat_session
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
        OR OLD.flags IS DISTINCT FROM NEW.flags
        OR OLD.customer_typing_until IS DISTINCT FROM NEW.customer_typing_until
        OR OLD.user_typing_until IS DISTINCT FROM NEW.user_typing_until
        OR OLD.user_associate_id IS DISTINCT FROM NEW.user_associate_id
        OR OLD.transfer_to_associate_id IS DISTINCT FROM NEW.transfer_to_associate_id
        OR OLD.when_started IS DISTINCT FROM NEW.when_started
        OR OLD.when_ended IS DISTINCT FROM NEW.when_ended
        OR OLD.when_requested IS DISTINCT FROM NEW.when_requested
        OR OLD.topic_id IS DISTINCT FROM NEW.topic_id)
    EXECUTE FUNCTION chat_session_notify();
