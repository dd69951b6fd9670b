-- Demo data (CHAT_DEMO_DATA=true). Idempotent: every row has a fixed id and is inserted with
-- ON CONFLICT DO NOTHING, so loading it again, or from two instances at once, changes nothing.
-- Identity sequences are then moved past the fixed ids so that new rows never collide with them.

-- Agents. tje0 / Tje0 are the credentials of the reference pages' sample requests
-- (Authorization: Basic dGplMDpUamUw). The hash is PBKDF2-HMAC-SHA512, 210,000 iterations, in the
-- PHC string format of vertx-auth-common's HashingStrategy; the password itself is stored nowhere.
INSERT INTO associate (associate_id, name, password_hash, person_id, rank, tooltip, type, group_idx,
                       full_name, formal_name, deleted, ej_user_id, user_name)
VALUES (1, 'tje0', '$pbkdf2$it=210000$Gbne7C1URQF7aZsjOBs4vQ$GI6HYKh/5JuOl3+4COViaWiX+yyHbYIrQDZM5OKHthKZOEI8aogQTYVJ/6/6Zn//Z5y7ZkQQsh//6b34+vGNQw',
        10, 1, 'Thomas J. Eriksen (tje0)', 'Employee', 1, 'Thomas J. Eriksen', 'Eriksen, Thomas J.', false, 0, 'tje0'),
       (2, 'ann1', NULL,
        11, 2, 'Ann Lindqvist (ann1)', 'Employee', 1, 'Ann Lindqvist', 'Lindqvist, Ann', false, 0, 'ann1')
ON CONFLICT DO NOTHING;

INSERT INTO contact (contact_id, name, org_nr, department, url, city, direct_phone, associate_id, country_id,
                     email_address, kananame, email_address_name, url_name, associate_full_name, business_name,
                     category_name, country_name, address, formatted_address, full_name, is_owner_contact,
                     active_erp_links)
VALUES (1, 'Nordlys Sykkel AS', '912345678', 'Sales', 'https://nordlys-sykkel.example', 'Oslo', '+47 22 00 00 00',
        1, 578, 'post@nordlys-sykkel.example', '', 'Nordlys Sykkel', 'https://nordlys-sykkel.example',
        'Thomas J. Eriksen', 'Retail', 'VIP Customer', 'Norway',
        '{"Street":"Storgata 1","Zipcode":"0155","City":"Oslo","Country":"Norway"}',
        'Storgata 1, 0155 Oslo', 'Nordlys Sykkel AS', false, 0)
ON CONFLICT DO NOTHING;

INSERT INTO person (person_id, position, mrmrs, firstname, lastname, middle_name, title, description, email,
                    full_name, direct_phone, formal_name, country_id, contact_id, contact_name, retired, rank,
                    active_interests, contact_department, contact_country_id, contact_org_nr, fax_phone,
                    mobile_phone, contact_phone, associate_name, associate_id, use_person_address, contact_fax,
                    kanafname, kanalname, post1, post2, post3, email_name, contact_full_name, active_erp_links,
                    ticket_priority_id, support_language_id, support_associate_id, category_name)
VALUES (1, 'Purchasing manager', 'Ms.', 'Kari', 'Nordmann', 'Marie', 'Purchasing', 'Buys bicycles in bulk',
        'kari.nordmann@nordlys-sykkel.example', 'Kari Marie Nordmann', '+47 22 00 00 01', 'Nordmann, Kari',
        578, 1, 'Nordlys Sykkel AS', 0, 1, 2, 'Sales', 578, '912345678', '+47 22 00 00 09', '+47 900 00 001',
        '+47 22 00 00 00', 'Thomas J. Eriksen', 1, false, '+47 22 00 00 09', '', '', 'Storgata 1', '0155 Oslo',
        'Norway', 'Kari Nordmann', 'Nordlys Sykkel AS', 0, 1, 2, 1, 'VIP Customer')
ON CONFLICT DO NOTHING;

INSERT INTO project (project_id, name, description, url, type, associate_id, associate_full_name, type_id,
                     updated, status_id, status, text_id, publish_to, publish_from, is_published, url_name,
                     project_number, active_erp_links)
VALUES (1, 'Spring fleet renewal', 'Replace the rental fleet before the season', 'https://projects.example/1',
        'Sales project', 1, 'Thomas J. Eriksen', 2, '2026-03-02T09:30:00+01:00', 1, 'In progress', 0,
        '2026-12-31T23:59:59+01:00', '2026-01-01T00:00:00+01:00', true, 'https://projects.example/1',
        'P-1001', 0)
ON CONFLICT DO NOTHING;

INSERT INTO sale (sale_id, contact_name, sale_date, probability, title, amount, currency, project_name,
                  associate_full_name, description, status, weighted_amount, project_id, earning_percent, earning,
                  contact_id, associate_id, person_id, sale_type_id, sale_type_name, person_full_name, completed,
                  active_erp_links, next_due_date, number)
VALUES (1, 'Nordlys Sykkel AS', '2026-04-15T12:00:00+02:00', 60, '40 city bikes', 184000.5, 'NOK',
        'Spring fleet renewal', 'Thomas J. Eriksen', 'Forty city bikes with service agreement', 'Open', 110400.3,
        1, 22.5, 41400.11, 1, 1, 1, 1, 'New business', 'Kari Marie Nordmann', 'NotCompleted', 0,
        '2026-04-01T10:00:00+02:00', 'S-2001')
ON CONFLICT DO NOTHING;

INSERT INTO ticket (ticket_id, title, created_at, last_changed, read_by_owner, read_by_customer,
                    first_read_by_user, activate, closed_at, replied_at, alert_timeout, deadline, created_by,
                    created_by_name, author, owned_by, owned_by_name, category, category_name, category_fullname,
                    slevel, priority, priority_name, base_status, ticket_status, ticket_status_display_value,
                    origin, cust_id, person_firstname, person_middle_name, person_lastname, person_fullname,
                    alert_level, connect_id, read_status, time_to_reply, real_time_to_reply, time_to_close,
                    real_time_to_close, time_spent_internally, time_spent_externally, time_spent_queue,
                    real_time_spent_internally, real_time_spent_externally, real_time_spent_queue,
                    has_attachment, num_replies, num_messages, from_address, contact_id, contact_name,
                    owned_by_associate_id)
VALUES (1, 'Delivery date for the city bikes', '2026-03-10T08:15:00+01:00', '2026-03-11T14:00:00+01:00',
        '2026-03-10T09:00:00+01:00', '2026-03-11T14:05:00+01:00', '2026-03-10T09:00:00+01:00',
        '2026-03-10T08:15:00+01:00', '2026-03-12T16:00:00+01:00', '2026-03-11T14:00:00+01:00',
        '2026-03-10T12:15:00+01:00', '2026-03-13T16:00:00+01:00', 1, 'Thomas J. Eriksen',
        'Kari Marie Nordmann', 1, 'Thomas J. Eriksen', 1, 'VIP Customer', 'Customers/VIP Customer', 'External', 2,
        'High', 'Closed', 4, 'Closed', 'Chat', 1, 'Kari', 'Marie', 'Nordmann', 'Kari Marie Nordmann', 0, 0, 'Green',
        45, 50, 1900, 2000, 20, 10, 5, 22, 11, 6, false, 1, 2, 'kari.nordmann@nordlys-sykkel.example', 1,
        'Nordlys Sykkel AS', 1)
ON CONFLICT DO NOTHING;

INSERT INTO chat_topic (topic_id, name, description, welcome_message)
VALUES (1, 'Sales', 'Questions before you buy', 'Welcome! An agent will be with you shortly.'),
       (2, 'Support', 'Help with something you bought', 'Welcome to support.')
ON CONFLICT DO NOTHING;

-- tje0 administers chat and answers both topics; ann1 answers Sales.
UPDATE associate SET is_administrator = true WHERE associate_id = 1 AND NOT is_administrator;
INSERT INTO chat_topic_agent (topic_id, associate_id, can_listen, can_respond, can_manage, can_notify)
VALUES (1, 1, true, true, true, true), (2, 1, true, true, true, true), (1, 2, false, true, false, true)
ON CONFLICT DO NOTHING;

-- tje0 is on duty; ann1 is away.
INSERT INTO chat_presence (associate_id, present) VALUES (1, true), (2, false) ON CONFLICT DO NOTHING;

-- Session 1: every related entity linked, three messages. Its customer is typing, as in the reference page's
-- sample; here the flag never expires (a typing flag otherwise lasts typingTimeoutSeconds).
INSERT INTO chat_session (chat_session_id, topic_id, user_associate_id, person_id, customer_alias, customer_host,
                          customer_name, customer_email, customer_phone, customer_consented, customer_company_name,
                          status, first_message, last_message, when_requested, when_started, when_ended,
                          when_idle, when_fetched, session_key, initial_queue_pos, alert_level, rank, flags,
                          contact_id, project_id, sale_id, ticket_id, transfer_to_associate_id, chatbot_is_active,
                          customer_typing_until)
VALUES (1, 1, 1, 1, 'Kari', '203.0.113.7', 'Kari Marie Nordmann', 'kari.nordmann@nordlys-sykkel.example',
        '+47 900 00 001', true, 'Nordlys Sykkel AS', 'CustomerLast', 'Hi, when can you deliver the city bikes?',
        'Thanks, that works for us.', '2026-03-10T08:00:00.1234567+01:00', '2026-03-10T08:01:30+01:00',
        '2026-03-10T08:20:00+01:00', '2026-03-10T08:12:00+01:00', '2026-03-10T08:12:05+01:00',
        'demo-session-key-1', 1, 0, 1, 1, 1, 1, 1, 1, 2, false, '9999-12-31T00:00:00Z')
ON CONFLICT DO NOTHING;

-- Session 2: nothing linked, no messages.
INSERT INTO chat_session (chat_session_id, topic_id, customer_alias, customer_host, status, when_requested,
                          session_key, initial_queue_pos)
VALUES (2, 2, 'Visitor', '198.51.100.20', 'InQueue', '2026-03-11T10:00:00+01:00', 'demo-session-key-2', 1)
ON CONFLICT DO NOTHING;

-- Messages take their ids from the sequence (the insert trigger assigns them under the session
-- lock), so they are inserted only while session 1 has none.
INSERT INTO chat_message (chat_session_id, type, message, author, read_by_customer, special_type, special_param,
                          when_posted)
SELECT 1, m.type, m.message, m.author, 1, 'None', '', m.when_posted::timestamptz
FROM (VALUES (1, 'ToUser', 'Hi, when can you deliver the city bikes?', 'Kari', '2026-03-10T08:00:05+01:00'),
             (2, 'ToCustomer', 'Hello Kari! We can deliver all forty in week 14.', 'Thomas J. Eriksen',
              '2026-03-10T08:02:00+01:00'),
             (3, 'ToUser', 'Thanks, that works for us.', 'Kari', '2026-03-10T08:12:00+01:00'))
         AS m(n, type, message, author, when_posted)
WHERE NOT EXISTS (SELECT 1 FROM chat_message WHERE chat_session_id = 1)
ORDER BY m.n;

-- Move each identity sequence past the fixed ids, never backwards (ids of deleted rows must not be
-- handed out again).
DO $$
DECLARE
    t        record;
    seq      text;
    top      integer;
    last     bigint;
    called   boolean;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('associate', 'associate_id'), ('contact', 'contact_id'),
                                   ('person', 'person_id'), ('project', 'project_id'), ('sale', 'sale_id'),
                                   ('ticket', 'ticket_id'), ('chat_topic', 'topic_id'),
                                   ('chat_session', 'chat_session_id'))
                          AS v(tbl, col)
    LOOP
        seq := pg_get_serial_sequence(t.tbl, t.col);
        EXECUTE format('SELECT max(%I) FROM %I', t.col, t.tbl) INTO top;
        EXECUTE format('SELECT last_value, is_called FROM %s', seq) INTO last, called;
        IF top IS NOT NULL AND top > (CASE WHEN called THEN last ELSE last - 1 END) THEN
            PERFORM setval(seq, top);
        END IF;
    END LOOP;
END
$$;
