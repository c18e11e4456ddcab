-- The newest event each member of staff had seen on a request when they last opened it: the
-- board marks requests with activity by others since then.
CREATE TABLE ticket_reads (
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ticket_id  BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    seen_event BIGINT NOT NULL,
    PRIMARY KEY (user_id, ticket_id)
);
