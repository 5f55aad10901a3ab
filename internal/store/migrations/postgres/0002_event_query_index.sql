-- A covering index for the common question "these types, these days, this
-- box, newest first": the count and the choice of the page's rows are
-- answered from the index alone, and only the page's records are read.
CREATE INDEX events_type_date_geo ON events(event, date, lat, lon, id);
CREATE INDEX events_date_geo ON events(date, lat, lon, id);
