-- Reports at a million tickets read indexes, not tickets.
--
-- Whether a completed request was followed up (by a request that says it follows it, or one from
-- the same person on the same topic, within 7 days of completion) is kept on the request as the
-- requests involved change, instead of being looked up per request at report time.
ALTER TABLE tickets ADD COLUMN followed_up BIGINT NOT NULL DEFAULT 0;
UPDATE tickets SET followed_up = 1
WHERE status = 'completed' AND EXISTS (
    SELECT 1 FROM tickets n
    WHERE (n.follows = tickets.id
           OR (n.requester_id = tickets.requester_id AND n.category_id = tickets.category_id))
      AND n.created_at > tickets.resolved_at AND n.created_at <= tickets.resolved_at + 604800000);

-- Each report figure is one range scan of one of these, with every column it filters on and
-- counts inside the index (an index-only scan: no ticket row is read).
DROP INDEX tickets_created;
DROP INDEX tickets_resolved;
CREATE INDEX tickets_filed_report ON tickets (created_at, merged_into, account_id, category_id, channel,
    team_id, assignee_id, requester_id, response_business_ms, response_target_ms,
    resolution_business_ms, resolution_target_ms);
CREATE INDEX tickets_resolved_report ON tickets (resolved_at, status, merged_into, reopened, followed_up,
    account_id, category_id, channel, team_id, assignee_id);
-- The backlog: open requests only, however many were ever completed.
CREATE INDEX tickets_open_report ON tickets (created_at, status, merged_into, account_id, category_id,
    channel, team_id, assignee_id) WHERE status IN ('new', 'in_progress', 'waiting_on_client');
