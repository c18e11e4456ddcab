-- Service accounts: the agents service API tokens act as. They are nobody's to assign work to,
-- and are deactivated with their token.
ALTER TABLE users ADD COLUMN service BIGINT NOT NULL DEFAULT 0;
