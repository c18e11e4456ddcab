-- Several app instances share one database: each new ticket event wakes the others' live
-- streams. The notification is delivered when the writing transaction commits, so a woken
-- instance always finds the event it was told about.
CREATE FUNCTION frontdoor_event_written() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('frontdoor_events', NEW.id::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ticket_event_written AFTER INSERT ON ticket_events
    FOR EACH ROW EXECUTE FUNCTION frontdoor_event_written();
