-- A deleted session (its messages go with it, ON DELETE CASCADE) wakes the requests parked on it on every
-- instance, as a new message does: the wake-up query finds the session gone and answers them 404.
CREATE FUNCTION chat_session_delete_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('chat_message', OLD.chat_session_id::text || ' '
            || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER chat_session_delete_notify
    AFTER DELETE ON chat_session
    FOR EACH ROW EXECUTE FUNCTION chat_session_delete_notify();
