-- Authentication: tickets from POST /api/v1/Authenticate, and case-insensitive agent login names.

-- Only the SHA-256 of a ticket is stored: the ticket itself (256 random bits) is known to its
-- holder alone, so a copy of this table lets no one in.
CREATE TABLE auth_ticket (
    token_hash   bytea       PRIMARY KEY,
    associate_id integer     NOT NULL REFERENCES associate (associate_id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);

CREATE INDEX auth_ticket_expires_idx ON auth_ticket (expires_at);

-- Login names are matched case-insensitively (tje0 = TJE0), so they must be unique that way too.
CREATE UNIQUE INDEX associate_login_idx ON associate (lower(name));
