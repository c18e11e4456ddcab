-- API tokens: a person's keys for other systems to call the REST API as them, narrowed by scopes
-- and optionally by one client account. Only a hash of the secret is kept (the secret is shown
-- once); `shown` is its first characters, to tell tokens apart.
CREATE TABLE api_tokens (
    id             INTEGER PRIMARY KEY,
    user_id        BIGINT  NOT NULL REFERENCES users (id),
    name           TEXT    NOT NULL,
    secret_hash    TEXT    NOT NULL UNIQUE,
    shown          TEXT    NOT NULL,
    scopes         TEXT    NOT NULL,
    account_limit  BIGINT  REFERENCES accounts (id),
    created_at     BIGINT  NOT NULL,
    expires_at     BIGINT,
    revoked_at     BIGINT,
    last_used_at   BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
