-- The map layer reads the newest located events of a period in a box: an
-- index in that order (NULLS LAST, as the query sorts), holding every column
-- it returns, lets it stop after the page with an index-only scan.
DROP INDEX events_date_geo;
CREATE INDEX events_map ON events(date DESC NULLS LAST, lat, lon, event, id);
