-- A quarantined message too large to keep whole is kept as its header only: it can be read and
-- dismissed, but there is nothing to file if it were retried.
ALTER TABLE mail_quarantine ADD COLUMN header_only BIGINT NOT NULL DEFAULT 0;
