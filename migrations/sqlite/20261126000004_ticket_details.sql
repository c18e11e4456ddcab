-- Everything a ticket carries beyond its status: category, priority, assignee, tags, watchers,
-- merges, follow-ups, callbacks, tasks, attachments, canned replies, saved views and search.

-- Admin-managed categories (service lines). A starter set every agency can edit.
CREATE TABLE categories (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE,
    description  TEXT    NOT NULL,
    examples     TEXT    NOT NULL DEFAULT '',
    position     BIGINT  NOT NULL DEFAULT 0,
    active       BIGINT  NOT NULL DEFAULT 1
);
INSERT INTO categories (name, description, examples, position) VALUES
    ('Something is broken', 'A page, form or feature stopped working or shows an error.', 'Checkout fails, contact form sends nothing, a page shows an error', 1),
    ('Change request', 'Change text, images, layout or behaviour of something that works.', 'New opening hours, swap a photo, add a field to a form', 2),
    ('Access and accounts', 'Logins, passwords, new users and permissions.', 'Cannot sign in, add a colleague, reset two-step sign-in', 3),
    ('Email and domains', 'Mailboxes, forwarding, DNS and certificates.', 'Mail not arriving, new mailbox, certificate warning', 4),
    ('Billing', 'Invoices, payments and your plan.', 'Copy of an invoice, change billing address, upgrade', 5),
    ('Question or advice', 'How do I…? Should we…? Ask us anything.', 'How to update the blog, advice on a campaign', 6);

CREATE TABLE staff_teams (
    id    INTEGER PRIMARY KEY,
    name  TEXT    NOT NULL UNIQUE
);
INSERT INTO staff_teams (name) VALUES ('Web'), ('Hosting');

-- version: bumped by every staff edit, so a second writer working from an old copy gets a conflict.
ALTER TABLE tickets ADD COLUMN category_id BIGINT REFERENCES categories (id);
ALTER TABLE tickets ADD COLUMN team_id BIGINT REFERENCES staff_teams (id);
ALTER TABLE tickets ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE tickets ADD COLUMN merged_into BIGINT REFERENCES tickets (id);
ALTER TABLE tickets ADD COLUMN follows BIGINT REFERENCES tickets (id);
ALTER TABLE tickets ADD COLUMN callback_requested_at BIGINT;
ALTER TABLE tickets ADD COLUMN callback_phone TEXT;
CREATE INDEX tickets_updated ON tickets (updated_at, id);
CREATE INDEX tickets_assignee ON tickets (assignee_id, status);

CREATE TABLE ticket_tags (
    ticket_id  BIGINT  NOT NULL REFERENCES tickets (id),
    tag        TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, tag)
);
CREATE INDEX ticket_tags_tag ON ticket_tags (tag);

CREATE TABLE ticket_watchers (
    ticket_id  BIGINT  NOT NULL REFERENCES tickets (id),
    user_id    BIGINT  NOT NULL REFERENCES users (id),
    PRIMARY KEY (ticket_id, user_id)
);

-- Internal work a ticket was handed off into. checklist: JSON array of {text, done}.
CREATE TABLE tasks (
    id           INTEGER PRIMARY KEY,
    ticket_id    BIGINT  NOT NULL REFERENCES tickets (id),
    title        TEXT    NOT NULL,
    assignee_id  BIGINT  REFERENCES users (id),
    due_at       BIGINT,
    checklist    TEXT    NOT NULL DEFAULT '[]',
    done_at      BIGINT,
    created_by   BIGINT  NOT NULL REFERENCES users (id),
    created_at   BIGINT  NOT NULL
);
CREATE INDEX tasks_ticket ON tasks (ticket_id);

CREATE TABLE canned_replies (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL UNIQUE,
    body        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);

-- Files live in the database, not on a disk the web server serves: nothing can reach them except
-- the authorized download route, and every app instance sees the same files.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    ticket_id     BIGINT  REFERENCES tickets (id),
    event_id      BIGINT  REFERENCES ticket_events (id),
    uploaded_by   BIGINT  NOT NULL REFERENCES users (id),
    filename      TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size_bytes    BIGINT  NOT NULL,
    sha256        TEXT    NOT NULL,
    is_image      BIGINT  NOT NULL DEFAULT 0,
    content       BLOB    NOT NULL,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX attachments_ticket ON attachments (ticket_id);

CREATE TABLE saved_views (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    query       TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    UNIQUE (user_id, name)
);

-- Full-text search over titles, descriptions and messages; internal notes are marked so a client
-- search never matches them.
CREATE VIRTUAL TABLE ticket_search USING fts5 (
    title, body, ticket_id UNINDEXED, internal UNINDEXED, tokenize = 'porter unicode61'
);
CREATE TRIGGER tickets_searchable AFTER INSERT ON tickets
BEGIN
    INSERT INTO ticket_search (title, body, ticket_id, internal)
    VALUES (NEW.title, NEW.description, NEW.id, 0);
END;
CREATE TRIGGER messages_searchable AFTER INSERT ON ticket_events
WHEN NEW.kind IN ('replied', 'note_added')
BEGIN
    INSERT INTO ticket_search (title, body, ticket_id, internal)
    VALUES ('', json_extract(NEW.data, '$.body'), NEW.ticket_id, NEW.internal);
END;
INSERT INTO ticket_search (title, body, ticket_id, internal)
    SELECT title, description, id, 0 FROM tickets;
INSERT INTO ticket_search (title, body, ticket_id, internal)
    SELECT '', json_extract(data, '$.body'), ticket_id, internal FROM ticket_events
    WHERE kind IN ('replied', 'note_added');
