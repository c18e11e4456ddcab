-- SLA policies per priority, counted in the business time of a calendar.

-- A calendar: CalendarSpec as JSON (time zone, shifts per weekday Monday first, holidays).
CREATE TABLE business_calendars (
    id    INTEGER PRIMARY KEY,
    name  TEXT    NOT NULL UNIQUE,
    spec  TEXT    NOT NULL
);
INSERT INTO business_calendars (name, spec) VALUES ('Agency hours', '{"time_zone":"Europe/Berlin","week":[[{"start_minute":540,"end_minute":1020}],[{"start_minute":540,"end_minute":1020}],[{"start_minute":540,"end_minute":1020}],[{"start_minute":540,"end_minute":1020}],[{"start_minute":540,"end_minute":1020}],[],[]],"holidays":[]}');

-- Targets in business minutes; warnings at a share of the resolution target.
CREATE TABLE sla_policies (
    id                      INTEGER PRIMARY KEY,
    priority                TEXT    NOT NULL UNIQUE,
    first_response_minutes  BIGINT  NOT NULL,
    resolution_minutes      BIGINT  NOT NULL,
    warning_percent         BIGINT  NOT NULL DEFAULT 80,
    calendar_id             BIGINT  NOT NULL REFERENCES business_calendars (id)
);
INSERT INTO sla_policies (priority, first_response_minutes, resolution_minutes, calendar_id) VALUES
    ('critical', 60, 240, 1),
    ('high', 240, 960, 1),
    ('normal', 480, 2400, 1),
    ('low', 960, 4800, 1);

-- Where a ticket's SLA stood when it last changed: the next due instant of its pending clocks
-- (first response, then resolution), when that clock crosses the warning share, and its state
-- (met and breached are final). Boards read these; timers claim rows by them.
ALTER TABLE tickets ADD COLUMN sla_due_at BIGINT;
ALTER TABLE tickets ADD COLUMN sla_due_kind TEXT;
ALTER TABLE tickets ADD COLUMN sla_warn_at BIGINT;
ALTER TABLE tickets ADD COLUMN sla_state TEXT;
CREATE INDEX tickets_sla_due ON tickets (sla_due_at);
