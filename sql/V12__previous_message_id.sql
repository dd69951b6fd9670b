-- The API answers the long polls parked on its own instance straight from the message it has just committed, without
-- reading it back (ParkedPolls.inserted): a poll that has seen the session up to the message before it gets exactly
-- that message. For that the API's insert learns which message came before its own, while it holds the session's row
-- lock: no other message of the session can commit in between, and each statement of this function sees what has
-- committed before it ran, so the previous message found here is the one that committed last. Only for the API's
-- inserts (the setting V11 reads); other writers draw their id as before.
CREATE OR REPLACE FUNCTION chat_message_take_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM chat_session WHERE chat_session_id = NEW.chat_session_id FOR UPDATE;
    NEW.chat_message_id := nextval('chat_message_id_seq');
    IF current_setting('chatapi.notify_after_commit', true) = 'on' THEN
        PERFORM set_config('chatapi.previous_message_id', coalesce((SELECT max(chat_message_id) FROM chat_message
                WHERE chat_session_id = NEW.chat_session_id), 0)::text, true);
    END IF;
    RETURN NEW;
END
$$;
