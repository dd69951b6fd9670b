-- The notification also carries when the message was written (microseconds since the epoch, the
-- database's clock), so that instances can measure wake latency: "<session id> <micros>".
CREATE OR REPLACE FUNCTION chat_message_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('chat_message', NEW.chat_session_id::text || ' '
            || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text);
    RETURN NULL;
END
$$;
