-- Identity: sign-in links, session details, outgoing mail and the audit log.

-- When a session was last used (idle timeout) and from what, so people can recognise and revoke it.
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';

-- `NULL` until someone first signs in: an invited person who has not accepted yet.
ALTER TABLE users ADD COLUMN last_sign_in_at BIGINT;

-- Single-use links sent by email: magic sign-in links, invitations and password resets.
CREATE TABLE sign_in_links (
    id            INTEGER PRIMARY KEY,
    token_hash    TEXT    NOT NULL UNIQUE,
    purpose       TEXT    NOT NULL CHECK (purpose IN ('magic_link', 'invitation', 'password_reset')),
    user_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- hash of a cookie of the browser that asked for the link, when one did
    browser_hash  TEXT,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    used_at       BIGINT
);
CREATE INDEX sign_in_links_user ON sign_in_links (user_id);

-- Mail waiting to go out. A worker claims a row (claimed_until), sends it, and marks it sent or
-- schedules a retry; several app instances never send the same row twice.
CREATE TABLE mail_outbox (
    id               INTEGER PRIMARY KEY,
    recipient        TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    body_text        TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    attempts         BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT  NOT NULL,
    claimed_until    BIGINT,
    sent_at          BIGINT,
    last_error       TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);

-- Who did what to whom, when and from where. Nothing in the product updates or deletes it.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id    BIGINT  REFERENCES users (id),
    account_id  BIGINT  REFERENCES accounts (id),
    action      TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    detail      TEXT    NOT NULL,
    ip          TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX audit_log_created ON audit_log (created_at);
CREATE INDEX audit_log_account ON audit_log (account_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
