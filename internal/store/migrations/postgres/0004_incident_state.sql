-- The incident grouper's whole state (internal/incident.State as JSON) in
-- one row: the grouper is rebuilt from it on start, so incident ids, analyst
-- merges and splits survive restarts.
CREATE TABLE incident_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    state      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
