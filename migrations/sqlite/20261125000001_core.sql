-- Core tables. Times are milliseconds since the Unix epoch, UTC. Flags are 0/1 integers.

CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    slug        TEXT    NOT NULL UNIQUE,
    visibility  TEXT    NOT NULL DEFAULT 'own' CHECK (visibility IN ('own', 'company')),
    created_at  BIGINT  NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    account_id     BIGINT  REFERENCES accounts (id),
    email          TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('contact', 'account_admin', 'agent', 'lead', 'admin')),
    password_hash  TEXT,
    active         BIGINT  NOT NULL DEFAULT 1,
    created_at     BIGINT  NOT NULL,
    -- clients belong to exactly one account; staff to none
    CHECK ((role IN ('contact', 'account_admin')) = (account_id IS NOT NULL))
);
CREATE INDEX users_account ON users (account_id);

CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE tickets (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id         BIGINT  NOT NULL REFERENCES accounts (id),
    requester_id       BIGINT  NOT NULL REFERENCES users (id),
    assignee_id        BIGINT  REFERENCES users (id),
    title              TEXT    NOT NULL,
    description        TEXT    NOT NULL,
    status             TEXT    NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new', 'in_progress', 'waiting_on_client', 'completed')),
    priority           TEXT    NOT NULL DEFAULT 'normal',
    channel            TEXT    NOT NULL DEFAULT 'web',
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    first_response_at  BIGINT,
    resolved_at        BIGINT
);
-- People read ticket numbers as references (FD-1001 onwards), so the first is 1001.
INSERT INTO sqlite_sequence (name, seq) VALUES ('tickets', 1000);
CREATE INDEX tickets_account_updated ON tickets (account_id, updated_at);
CREATE INDEX tickets_requester_updated ON tickets (requester_id, updated_at);
CREATE INDEX tickets_status_updated ON tickets (status, updated_at);

-- The append-only history of every ticket: audit trail, live updates and reports all read it.
CREATE TABLE ticket_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id   BIGINT  NOT NULL REFERENCES tickets (id),
    actor_id    BIGINT  REFERENCES users (id),
    kind        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    internal    BIGINT  NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
BEGIN
    SELECT RAISE(ABORT, 'ticket_events is append-only');
END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
BEGIN
    SELECT RAISE(ABORT, 'ticket_events is append-only');
END;
