-- The map layer reads the newest located events of a period in a box: an
-- index in that order, holding every column it returns, lets it stop after
-- the page instead of sorting the period.
DROP INDEX events_date_geo;
CREATE INDEX events_map ON events(date DESC, lat, lon, event, id);
