-- What reports read of each ticket, kept as the ticket changes (so a report over a million
-- tickets aggregates columns instead of replaying histories): business time to first response
-- and to resolution (pauses left out), the targets they were held to, and whether it was ever
-- reopened after completion.
ALTER TABLE tickets ADD COLUMN response_business_ms BIGINT;
ALTER TABLE tickets ADD COLUMN resolution_business_ms BIGINT;
ALTER TABLE tickets ADD COLUMN response_target_ms BIGINT;
ALTER TABLE tickets ADD COLUMN resolution_target_ms BIGINT;
ALTER TABLE tickets ADD COLUMN reopened BIGINT NOT NULL DEFAULT 0;

-- Reports cut by when tickets were filed and resolved; follow-ups are looked up per requester and
-- topic, or by the request they follow.
CREATE INDEX tickets_created ON tickets (created_at);
CREATE INDEX tickets_resolved ON tickets (resolved_at);
CREATE INDEX tickets_requester_topic ON tickets (requester_id, category_id, created_at);
-- Few requests follow another: only those are indexed (a planner that counts the empty ones
-- would think the index useless).
CREATE INDEX tickets_follows ON tickets (follows) WHERE follows IS NOT NULL;
