-- The knowledge base: articles clients read before (or instead of) filing a request.

-- An article is a draft until published; its audience says who may read it once published:
-- anyone with the link, every client, or the contacts of chosen accounts. Staff read all.
CREATE TABLE kb_articles (
    id            INTEGER PRIMARY KEY,
    slug          TEXT    NOT NULL UNIQUE,
    title         TEXT    NOT NULL,
    summary       TEXT    NOT NULL DEFAULT '',
    body          TEXT    NOT NULL,
    section       TEXT    NOT NULL,
    published     BIGINT  NOT NULL DEFAULT 0,
    audience      TEXT    NOT NULL DEFAULT 'clients' CHECK (audience IN ('public', 'clients', 'accounts')),
    views         BIGINT  NOT NULL DEFAULT 0,
    updated_by    BIGINT  NOT NULL REFERENCES users (id),
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);

CREATE TABLE kb_article_accounts (
    article_id  BIGINT  NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    account_id  BIGINT  NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (article_id, account_id)
);

-- "Was this article helpful?" — one answer per person, which they may change.
CREATE TABLE kb_votes (
    article_id  BIGINT  NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    helpful     BIGINT  NOT NULL,
    voted_at    BIGINT  NOT NULL,
    PRIMARY KEY (article_id, user_id)
);

-- An article a client opened from the suggestions while writing a request (one writing session
-- is an `attempt`). It is a deflection when they said it solved their problem, or left without
-- filing; filing the request from that attempt records the ticket, and then it is not.
CREATE TABLE kb_suggestion_opens (
    id          INTEGER PRIMARY KEY,
    attempt     TEXT    NOT NULL,
    article_id  BIGINT  NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    account_id  BIGINT  NOT NULL REFERENCES accounts (id),
    opened_at   BIGINT  NOT NULL,
    solved_at   BIGINT,
    ticket_id   BIGINT  REFERENCES tickets (id),
    UNIQUE (attempt, article_id)
);
CREATE INDEX kb_suggestion_opens_article ON kb_suggestion_opens (article_id);
CREATE INDEX kb_suggestion_opens_opened ON kb_suggestion_opens (opened_at);

-- Full-text search over titles, summaries and bodies, kept in step by triggers.
CREATE VIRTUAL TABLE kb_search USING fts5 (
    title, body, article_id UNINDEXED, tokenize = 'porter unicode61'
);
CREATE TRIGGER kb_articles_searchable AFTER INSERT ON kb_articles
BEGIN
    INSERT INTO kb_search (title, body, article_id)
    VALUES (NEW.title, NEW.summary || ' ' || NEW.body, NEW.id);
END;
CREATE TRIGGER kb_articles_research AFTER UPDATE OF title, summary, body ON kb_articles
BEGIN
    DELETE FROM kb_search WHERE article_id = OLD.id;
    INSERT INTO kb_search (title, body, article_id)
    VALUES (NEW.title, NEW.summary || ' ' || NEW.body, NEW.id);
END;
CREATE TRIGGER kb_articles_unsearchable AFTER DELETE ON kb_articles
BEGIN
    DELETE FROM kb_search WHERE article_id = OLD.id;
END;
