-- Two-step sign-in for staff (time-based one-time codes) and agency-wide settings.

-- The confirmed key (base32), a key being set up, and the last time step a code was accepted in
-- (a code works once).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- A sign-in whose first step (password, link) succeeded, waiting for its code.
CREATE TABLE two_step_challenges (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method      TEXT    NOT NULL,
    attempts    BIGINT  NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);

CREATE TABLE settings (
    key    TEXT  PRIMARY KEY,
    value  TEXT  NOT NULL
);
