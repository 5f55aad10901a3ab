-- The analysts' notes on incidents and their reviews (confirm, reject,
-- correct) of incidents and events, each kept as a row with who and when so
-- nothing an analyst decided is overwritten. Incidents live in the grouper's
-- state, so incident_id is a plain reference, not a foreign key.
CREATE TABLE incident_notes (
    id          INTEGER PRIMARY KEY,
    incident_id TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX incident_notes_incident ON incident_notes(incident_id, id);

-- event_id is '' for a review of the incident as a whole; correction is a
-- JSON object of the corrected fields.
CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    incident_id TEXT NOT NULL,
    event_id    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    correction  TEXT NOT NULL DEFAULT '{}',
    comment     TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX reviews_incident ON reviews(incident_id, id);
CREATE INDEX reviews_event ON reviews(event_id, id);
