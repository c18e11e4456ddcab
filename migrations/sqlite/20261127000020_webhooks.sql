-- Outgoing webhooks: URLs an admin subscribed to ticket events, and each delivery to them, kept
-- until it is settled (delivered, or given up after its retries) and then as the delivery log.
-- The signing secret is kept as it is: it signs every delivery. A removed webhook stays (its
-- deliveries name it) but gets nothing new.
CREATE TABLE webhooks (
    id           INTEGER PRIMARY KEY,
    url          TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    events       TEXT    NOT NULL,
    secret       TEXT    NOT NULL,
    created_by   BIGINT  NOT NULL REFERENCES users (id),
    created_at   BIGINT  NOT NULL,
    removed_at   BIGINT
);

-- `message_id` is the `webhook-id` receivers deduplicate by: a retry or a redelivery keeps it.
-- `sent_at` is when the delivery was settled; `delivered` says how.
CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    webhook_id       BIGINT  NOT NULL REFERENCES webhooks (id),
    message_id       TEXT    NOT NULL,
    event_type       TEXT    NOT NULL,
    ticket_id        BIGINT,
    payload          TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    attempts         BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT  NOT NULL,
    claimed_until    BIGINT,
    sent_at          BIGINT,
    delivered        BIGINT  NOT NULL DEFAULT 0,
    response_status  BIGINT,
    last_error       TEXT,
    last_attempt_at  BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (sent_at, next_attempt_at);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);

-- Webhooks follow the event log from now on, like mail.
INSERT INTO mail_notifier (name, after_event)
SELECT 'webhooks', COALESCE(MAX(id), 0) FROM ticket_events;
