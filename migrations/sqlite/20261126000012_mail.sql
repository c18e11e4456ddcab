-- The email channel.

-- Every message that came in or went out: (Message-ID, sender) makes a second delivery of the same
-- message a no-op, the index replies are threaded by (Message-ID → request), and the original
-- kept for staff to read.
CREATE TABLE mail_messages (
    id          INTEGER PRIMARY KEY,
    message_id  TEXT    NOT NULL,
    direction   TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    ticket_id   BIGINT  REFERENCES tickets (id),
    event_id    BIGINT  REFERENCES ticket_events (id),
    sender      TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '',
    raw         BLOB,
    created_at  BIGINT  NOT NULL
);
-- The same message from the same sender once; threading looks ids up whoever sent them.
CREATE UNIQUE INDEX mail_messages_once ON mail_messages (message_id, sender);
CREATE INDEX mail_messages_ticket ON mail_messages (ticket_id, id);
CREATE INDEX mail_messages_event ON mail_messages (event_id);

-- Mail that could not be read: kept as it came, with the error, until an admin retries or
-- dismisses it. The next message is processed meanwhile.
CREATE TABLE mail_quarantine (
    id           INTEGER PRIMARY KEY,
    source       TEXT    NOT NULL,
    raw          BLOB  NOT NULL,
    error        TEXT    NOT NULL,
    received_at  BIGINT  NOT NULL,
    settled_at   BIGINT,
    settled_how  TEXT
);

-- Mail from an unknown address at one of these domains makes that address a contact of the account.
CREATE TABLE account_domains (
    domain      TEXT    PRIMARY KEY,
    account_id  BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE
);

-- An address whose mail bounced: we stop mailing it until it writes to us again.
ALTER TABLE users ADD COLUMN mail_bounced_at BIGINT;
ALTER TABLE users ADD COLUMN mail_bounce TEXT;
-- Whether a contact wants mail about their requests (sign-in links always go).
ALTER TABLE users ADD COLUMN mail_updates BIGINT NOT NULL DEFAULT 1;

-- Outgoing mail that belongs to a conversation: its own Message-ID (fixed when queued, so a retry
-- is the same message), the ones it answers, an HTML part, and whether a person wrote it.
ALTER TABLE mail_outbox ADD COLUMN ticket_id BIGINT REFERENCES tickets (id);
ALTER TABLE mail_outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'account';
ALTER TABLE mail_outbox ADD COLUMN message_id TEXT;
ALTER TABLE mail_outbox ADD COLUMN in_reply_to TEXT;
ALTER TABLE mail_outbox ADD COLUMN refs TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_outbox ADD COLUMN body_html TEXT;
ALTER TABLE mail_outbox ADD COLUMN automatic BIGINT NOT NULL DEFAULT 1;
CREATE INDEX mail_outbox_recipient ON mail_outbox (recipient, kind, created_at);

-- How far the mail notifier has read the event log. It starts at the end of the history there is
-- now: old events are not mailed.
CREATE TABLE mail_notifier (
    name         TEXT    PRIMARY KEY,
    after_event  BIGINT  NOT NULL
);
INSERT INTO mail_notifier (name, after_event)
SELECT 'ticket_updates', COALESCE(MAX(id), 0) FROM ticket_events;
