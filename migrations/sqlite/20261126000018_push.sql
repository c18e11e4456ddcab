-- Web Push: the devices where people take notifications (one row per browser subscription; a
-- browser that subscribes again for someone else takes its endpoint over), and notifications
-- waiting to be delivered, tried again like mail. The VAPID key is a row in settings. Someone
-- hears by push when they have a device subscribed, by mail when mail_updates is on: either,
-- both, or neither.
CREATE TABLE push_subscriptions (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    endpoint    TEXT    NOT NULL UNIQUE,
    p256dh      TEXT    NOT NULL,
    auth        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

CREATE TABLE push_outbox (
    id               INTEGER PRIMARY KEY,
    subscription_id  BIGINT  NOT NULL,
    payload          TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    attempts         BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT  NOT NULL,
    claimed_until    BIGINT,
    sent_at          BIGINT,
    last_error       TEXT
);
CREATE INDEX push_outbox_due ON push_outbox (sent_at, next_attempt_at);

