-- What a person sent with a key of their own (a request written offline and sent when the
-- connection came back; later, API retries): sending the same key again finds what the first
-- sending made instead of making it twice.
CREATE TABLE submissions (
    author_id   BIGINT  NOT NULL REFERENCES users (id),
    key         TEXT    NOT NULL,
    ticket_id   BIGINT  NOT NULL REFERENCES tickets (id),
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (author_id, key)
);
