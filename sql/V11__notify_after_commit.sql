-- A transaction that notifies holds one database-wide lock from just before its commit until the commit is
-- flushed, so notifying writers commit one after another (bench/run.sh notify, BENCHMARKS.md: at 64 writers
-- POST Messages ran at 0.59x the rate without the NOTIFY). The API therefore notifies after its message has
-- committed, in a statement of its own that commits without waiting for the flush (a notification is not
-- durable anyway), and tells this trigger to stay quiet with a transaction-local setting. Every other writer
-- (psql, another tool, the lifecycle actions' Special messages) still notifies from here.
CREATE OR REPLACE FUNCTION chat_message_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('chatapi.notify_after_commit', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('chat_message', NEW.chat_session_id::text || ' '
            || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text);
    RETURN NULL;
END
$$;
