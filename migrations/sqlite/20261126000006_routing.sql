-- Assignment rules, team rotation, SLA alerts raised by durable timers, and escalation on breach.

-- Ordered rules: the first enabled rule whose conditions all match a new ticket applies its
-- actions. Conditions and actions are JSON (domain::routing::RuleConditions / RuleActions).
CREATE TABLE routing_rules (
    id          INTEGER PRIMARY KEY,
    position    BIGINT  NOT NULL,
    name        TEXT    NOT NULL,
    enabled     BIGINT  NOT NULL DEFAULT 1,
    conditions  TEXT    NOT NULL,
    actions     TEXT    NOT NULL,
    updated_at  BIGINT  NOT NULL
);

-- Who works in a team, and how a ticket routed to the team without an assignee finds one:
-- 'none' (the team picks it up), 'round_robin' or 'least_open'; agents marked away are skipped.
CREATE TABLE staff_team_members (
    team_id  BIGINT  NOT NULL REFERENCES staff_teams (id),
    user_id  BIGINT  NOT NULL REFERENCES users (id),
    PRIMARY KEY (team_id, user_id)
);
ALTER TABLE staff_teams ADD COLUMN assignment TEXT NOT NULL DEFAULT 'none';
-- The member who got the team's last ticket: round robin continues after them.
ALTER TABLE staff_teams ADD COLUMN last_assigned_id BIGINT;
ALTER TABLE users ADD COLUMN away BIGINT NOT NULL DEFAULT 0;

-- The SLA alert last raised for the ticket's pending clock (level 1 warning, 2 breach), so each
-- is raised once; and the lease of the timer instance raising one.
ALTER TABLE tickets ADD COLUMN sla_alert_kind TEXT;
ALTER TABLE tickets ADD COLUMN sla_alert_level BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN sla_claimed_until BIGINT;
CREATE INDEX tickets_sla_warn ON tickets (sla_warn_at);

-- Escalation when a clock of this priority breaches: raise the priority one step, and/or hand
-- the ticket to a team (its assignee is cleared so that the team's rotation picks it up).
ALTER TABLE sla_policies ADD COLUMN breach_raises_priority BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sla_policies ADD COLUMN breach_team_id BIGINT REFERENCES staff_teams (id);
