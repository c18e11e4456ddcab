-- Nothing to do: an embedded SQLite database has one app instance, whose live streams are woken
-- in process. (PostgreSQL's migration of the same number adds the cross-instance wake-up.)
SELECT 1;
