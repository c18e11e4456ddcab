-- The bell: the newest event each person has seen in their notification centre.
ALTER TABLE users ADD COLUMN notifications_seen BIGINT NOT NULL DEFAULT 0;
