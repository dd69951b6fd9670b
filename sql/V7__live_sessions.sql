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

-- Typing is not a change of the session for Last-Modified, If-Unmodified-Since and PATCH's optimistic check
-- (V6): an update that changes nothing but the typing flags and their times keeps `updated`, so that a
-- customer typing never makes an agent's conditional write fail. Every other column is listed here; a column
-- added later must be added too (MigrationsTest checks that none is missing).
DROP TRIGGER chat_session_touch ON chat_session;
CREATE TRIGGER chat_session_touch
    BEFORE UPDATE ON chat_session
    FOR EACH ROW
    WHEN ((OLD.chat_session_id, OLD.topic_id, OLD.user_associate_id, OLD.person_id, OLD.customer_alias,
            OLD.customer_host, OLD.customer_name, OLD.customer_email, OLD.customer_phone,
            OLD.customer_consented, OLD.customer_company_name, OLD.status, OLD.first_message, OLD.last_message,
            OLD.when_requested, OLD.when_started, OLD.when_ended, OLD.when_idle, OLD.when_fetched,
            OLD.session_key, OLD.initial_queue_pos, OLD.alert_level, OLD.rank, OLD.contact_id, OLD.project_id,
            OLD.sale_id, OLD.ticket_id, OLD.transfer_to_associate_id, OLD.chatbot_is_active)
        IS DISTINCT FROM
          (NEW.chat_session_id, NEW.topic_id, NEW.user_associate_id, NEW.person_id, NEW.customer_alias,
            NEW.customer_host, NEW.customer_name, NEW.customer_email, NEW.customer_phone,
            NEW.customer_consented, NEW.customer_company_name, NEW.status, NEW.first_message, NEW.last_message,
            NEW.when_requested, NEW.when_started, NEW.when_ended, NEW.when_idle, NEW.when_fetched,
            NEW.session_key, NEW.initial_queue_pos, NEW.alert_level, NEW.rank, NEW.contact_id, NEW.project_id,
            NEW.sale_id, NEW.ticket_id, NEW.transfer_to_associate_id, NEW.chatbot_is_active))
    EXECUTE FUNCTION chat_session_touch();

-- QueuePosition: 1 + the sessions of the same topic requested before it and still in the queue.
CREATE INDEX chat_session_queue_idx ON chat_session (topic_id, when_requested, chat_session_id)
    WHERE status = 'InQueue';

-- A change of a session is notified on the channel chat_session, delivered at commit: "<session id>", with
-- " <topic id>[ <previous topic id>]" when the topic's queue or its agents' lists may have moved (a session
-- joins or leaves a queue, changes topic, its request time changes while queued, or its agent or transfer
-- changes), or " -" when only its typing flags changed. Instances re-read the state of the sessions they stream
-- or that GETs wait on, for a queue move also of those queued in the topic, and the lists of agents' queue
-- streams that show the session or follow the topic.
CREATE FUNCTION chat_session_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('chat_session', OLD.chat_session_id::text
                || CASE WHEN OLD.status = 'InQueue' THEN ' ' || OLD.topic_id::text ELSE '' END);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM pg_notify('chat_session', NEW.chat_session_id::text
                || CASE WHEN NEW.status = 'InQueue' THEN ' ' || NEW.topic_id::text ELSE '' END);
    ELSIF OLD.topic_id <> NEW.topic_id THEN
        PERFORM pg_notify('chat_session', NEW.chat_session_id::text || ' ' || NEW.topic_id::text || ' '
                || OLD.topic_id::text);
    ELSIF (OLD.status = 'InQueue') <> (NEW.status = 'InQueue')
            OR (NEW.status = 'InQueue' AND OLD.when_requested IS DISTINCT FROM NEW.when_requested)
            OR OLD.user_associate_id IS DISTINCT FROM NEW.user_associate_id
            OR OLD.transfer_to_associate_id IS DISTINCT FROM NEW.transfer_to_associate_id THEN
        PERFORM pg_notify('chat_session', NEW.chat_session_id::text || ' ' || NEW.topic_id::text);
    ELSIF NEW.updated IS NOT DISTINCT FROM OLD.updated THEN -- only typing (chat_session_touch kept `updated`)
        PERFORM pg_notify('chat_session', NEW.chat_session_id::text || ' -');
    ELSE
        PERFORM pg_notify('chat_session', NEW.chat_session_id::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER chat_session_arrival_notify
    AFTER INSERT OR DELETE ON chat_session
    FOR EACH ROW EXECUTE FUNCTION chat_session_notify();

-- Every update but a posted message's (LastMessage, FirstMessage, WhenIdle: the message's own notification on
-- chat_message covers it). Typing refreshes notify too: instances re-arm the timer that pushes the expiry.
CREATE TRIGGER chat_session_change_notify
    AFTER UPDATE ON chat_session
    FOR EACH ROW
    WHEN ((OLD.chat_session_id, OLD.topic_id, OLD.user_associate_id, OLD.person_id, OLD.customer_alias,
            OLD.customer_host, OLD.customer_name, OLD.customer_email, OLD.customer_phone,
            OLD.customer_consented, OLD.customer_company_name, OLD.status, OLD.when_requested, OLD.when_started,
            OLD.when_ended, OLD.when_fetched, OLD.session_key, OLD.initial_queue_pos, OLD.alert_level, OLD.rank,
            OLD.flags, OLD.contact_id, OLD.project_id, OLD.sale_id, OLD.ticket_id, OLD.transfer_to_associate_id,
            OLD.chatbot_is_active, OLD.customer_typing_until, OLD.user_typing_until)
        IS DISTINCT FROM
          (NEW.chat_session_id, NEW.topic_id, NEW.user_associate_id, NEW.person_id, NEW.customer_alias,
            NEW.customer_host, NEW.customer_name, NEW.customer_email, NEW.customer_phone,
            NEW.customer_consented, NEW.customer_company_name, NEW.status, NEW.when_requested, NEW.when_started,
            NEW.when_ended, NEW.when_fetched, NEW.session_key, NEW.initial_queue_pos, NEW.alert_level, NEW.rank,
            NEW.flags, NEW.contact_id, NEW.project_id, NEW.sale_id, NEW.ticket_id, NEW.transfer_to_associate_id,
            NEW.chatbot_is_active, NEW.customer_typing_until, NEW.user_typing_until))
    EXECUTE FUNCTION chat_session_notify();
