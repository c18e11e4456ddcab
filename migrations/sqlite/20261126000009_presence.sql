-- Who has a request open right now (staff only): one mark per person and request, refreshed by
-- the open page's heartbeat and ignored once old. Shared by every app instance.
CREATE TABLE ticket_presence (
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    replying  BIGINT NOT NULL DEFAULT 0,
    seen_at   BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
);
