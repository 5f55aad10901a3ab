-- Watch areas, alert rules, fired alerts, webhook deliveries not yet made,
-- and the watch engine's state (internal/service/alerts.go).
CREATE TABLE watch_areas (
    n          INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    owner      TEXT NOT NULL,
    definition TEXT NOT NULL, -- watch.Area as JSON
    created_at INTEGER NOT NULL
);
CREATE TABLE alert_rules (
    n          INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    owner      TEXT NOT NULL,
    shared     INTEGER NOT NULL DEFAULT 0,
    definition TEXT NOT NULL, -- watch.Rule as JSON, without webhook and secret
    webhook    TEXT NOT NULL DEFAULT '',
    secret     TEXT NOT NULL DEFAULT '',
    enabled    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);
CREATE TABLE alerts (
    n          INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    rule_id    TEXT NOT NULL,
    owner      TEXT NOT NULL,
    revision   INTEGER NOT NULL,
    fired_at   INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    alert      TEXT NOT NULL -- watch.Alert as JSON, with its evidence
);
CREATE INDEX alerts_rule ON alerts(rule_id, n);
CREATE INDEX alerts_owner ON alerts(owner, n);
CREATE TABLE webhook_deliveries (
    n          INTEGER PRIMARY KEY,
    subscriber TEXT NOT NULL,
    id         TEXT NOT NULL,
    body       TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    parked     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (subscriber, id)
);
-- One row, like incident_state: the engine's state is one JSON snapshot
-- (aliases and sliding windows refer to each other), and the alerts table
-- above, written with each alert, is what makes an alert fire once even
-- when the snapshot is older than the last alert.
CREATE TABLE watch_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    state      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
