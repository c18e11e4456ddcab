-- Single sign-on. A client company may sign its people in with its own OpenID provider (the
-- agency's own provider is a server setting). Each sign-in started waits here, by the hash of
-- its state, with its nonce and PKCE verifier, until the provider sends the browser back once.
CREATE TABLE sso_connections (
    account_id     BIGINT  PRIMARY KEY REFERENCES accounts (id),
    issuer         TEXT    NOT NULL,
    client_id      TEXT    NOT NULL,
    client_secret  TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL
);

CREATE TABLE sso_attempts (
    state_hash  TEXT    PRIMARY KEY,
    account_id  BIGINT,
    nonce       TEXT    NOT NULL,
    verifier    TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
