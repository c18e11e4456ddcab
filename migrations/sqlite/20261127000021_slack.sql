-- Slack intake. A connected channel belongs to one client account: its messages become that
-- account's requests. Each request that came from Slack keeps its thread, where its reference,
-- status changes and staff replies are posted (through slack_outbox, retried like mail).
CREATE TABLE slack_channels (
    channel_id  TEXT    PRIMARY KEY,
    account_id  BIGINT  NOT NULL REFERENCES accounts (id),
    created_at  BIGINT  NOT NULL
);

CREATE TABLE slack_threads (
    ticket_id   BIGINT  PRIMARY KEY REFERENCES tickets (id),
    channel_id  TEXT    NOT NULL,
    thread_ts   TEXT    NOT NULL,
    UNIQUE (channel_id, thread_ts)
);

-- Requests from Slack already handled: its retries (by event id) and replays (by signature)
-- are not handled twice. Entries older than the replay window are dropped.
CREATE TABLE slack_seen (
    key      TEXT    PRIMARY KEY,
    seen_at  BIGINT  NOT NULL
);

CREATE TABLE slack_outbox (
    id               INTEGER PRIMARY KEY,
    channel_id       TEXT    NOT NULL,
    thread_ts        TEXT    NOT NULL,
    text             TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    attempts         BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT  NOT NULL,
    claimed_until    BIGINT,
    sent_at          BIGINT,
    last_error       TEXT
);
CREATE INDEX slack_outbox_due ON slack_outbox (sent_at, next_attempt_at);

INSERT INTO mail_notifier (name, after_event)
SELECT 'slack', COALESCE(MAX(id), 0) FROM ticket_events;
