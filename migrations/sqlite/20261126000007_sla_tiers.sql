-- Service tiers: each has its own targets per priority. A company is on one (Standard when not
-- set); an assignment rule may put a ticket on another.
CREATE TABLE sla_tiers (
    id    INTEGER PRIMARY KEY,
    name  TEXT    NOT NULL UNIQUE
);
INSERT INTO sla_tiers (name) VALUES ('Standard');

-- The policies again, one per tier and priority (rebuilt: a UNIQUE constraint cannot change in
-- place on SQLite, and both dialects keep one shape).
CREATE TABLE sla_tier_policies (
    id                      INTEGER PRIMARY KEY,
    tier_id                 BIGINT  NOT NULL REFERENCES sla_tiers (id),
    priority                TEXT    NOT NULL,
    first_response_minutes  BIGINT  NOT NULL,
    resolution_minutes      BIGINT  NOT NULL,
    warning_percent         BIGINT  NOT NULL DEFAULT 80,
    calendar_id             BIGINT  NOT NULL REFERENCES business_calendars (id),
    breach_raises_priority  BIGINT  NOT NULL DEFAULT 0,
    breach_team_id          BIGINT  REFERENCES staff_teams (id),
    UNIQUE (tier_id, priority)
);
INSERT INTO sla_tier_policies (tier_id, priority, first_response_minutes, resolution_minutes,
                               warning_percent, calendar_id, breach_raises_priority, breach_team_id)
    SELECT 1, priority, first_response_minutes, resolution_minutes, warning_percent, calendar_id,
           breach_raises_priority, breach_team_id FROM sla_policies;
DROP TABLE sla_policies;
ALTER TABLE sla_tier_policies RENAME TO sla_policies;

ALTER TABLE accounts ADD COLUMN sla_tier_id BIGINT REFERENCES sla_tiers (id);
ALTER TABLE tickets ADD COLUMN sla_tier_id BIGINT REFERENCES sla_tiers (id);
