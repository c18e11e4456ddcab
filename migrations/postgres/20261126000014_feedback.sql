-- "Was this resolved?": the requester's answer to a completed request, one per request. The
-- first answer's time starts the window in which it may be changed.
CREATE TABLE ticket_feedback (
    ticket_id    BIGINT  PRIMARY KEY REFERENCES tickets (id),
    account_id   BIGINT  NOT NULL REFERENCES accounts (id),
    user_id      BIGINT  NOT NULL REFERENCES users (id),
    resolved     BIGINT  NOT NULL,
    comment      TEXT    NOT NULL DEFAULT '',
    answered_at  BIGINT  NOT NULL,
    changed_at   BIGINT  NOT NULL
);
-- Reports count answers by when they were last given.
CREATE INDEX ticket_feedback_changed ON ticket_feedback (changed_at);
