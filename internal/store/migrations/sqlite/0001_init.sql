-- borderwatch schema, SQLite dialect. Times are unix milliseconds; flags are 0/1
-- integers; lists and nested objects are JSON text. Keep this file and
-- ../postgres/0001_init.sql in step: one set of queries runs on both.

CREATE TABLE sources (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    first_seen INTEGER NOT NULL,
    documents  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE documents (
    n             INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    url           TEXT NOT NULL DEFAULT '',
    canonical_url TEXT UNIQUE,
    source        TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL DEFAULT '',
    published     INTEGER,
    published_raw TEXT NOT NULL DEFAULT '',
    content_hash  TEXT NOT NULL UNIQUE,
    lang          TEXT NOT NULL DEFAULT '',
    not_coded     TEXT NOT NULL DEFAULT '',
    raw           BLOB NOT NULL,
    raw_kind      TEXT NOT NULL,
    text          TEXT NOT NULL,
    simhash       INTEGER NOT NULL,
    band0         INTEGER NOT NULL,
    band1         INTEGER NOT NULL,
    band2         INTEGER NOT NULL,
    band3         INTEGER NOT NULL,
    duplicate_of  TEXT,
    coder         TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    created_by    TEXT NOT NULL
);
CREATE INDEX documents_published ON documents(published);
CREATE INDEX documents_band0 ON documents(band0);
CREATE INDEX documents_band1 ON documents(band1);
CREATE INDEX documents_band2 ON documents(band2);
CREATE INDEX documents_band3 ON documents(band3);
CREATE INDEX documents_duplicate_of ON documents(duplicate_of);

-- Full text over every document, whatever its language (unicode61 folds case
-- and diacritics for any script).
CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', content_rowid='n',
    tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.n, new.title, new.text);
END;
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.n, old.title, old.text);
END;
CREATE TRIGGER documents_au AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.n, old.title, old.text);
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.n, new.title, new.text);
END;

-- events holds the current version of every live event; record is the full
-- event-format.md JSON, the other columns are copies of it for filtering.
CREATE TABLE events (
    n                   INTEGER PRIMARY KEY,
    id                  TEXT NOT NULL UNIQUE,
    doc_id              TEXT NOT NULL,
    event               TEXT NOT NULL,
    date                TEXT,
    enddate             TEXT,
    lat                 REAL,
    lon                 REAL,
    border              TEXT,
    border_km           REAL,
    modality            TEXT NOT NULL,
    actor_countries     TEXT NOT NULL,
    recipient_countries TEXT NOT NULL,
    confidence          REAL NOT NULL,
    search_text         TEXT NOT NULL,
    record              TEXT NOT NULL,
    version             INTEGER NOT NULL,
    reason              TEXT NOT NULL,
    updated_at          INTEGER NOT NULL,
    updated_by          TEXT NOT NULL
);
CREATE INDEX events_doc ON events(doc_id);
CREATE INDEX events_type_date ON events(event, date);
CREATE INDEX events_date ON events(date);
CREATE INDEX events_lat_lon ON events(lat, lon);

CREATE VIRTUAL TABLE events_fts USING fts5(search_text, content='events', content_rowid='n',
    tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER events_ai AFTER INSERT ON events BEGIN
    INSERT INTO events_fts(rowid, search_text) VALUES (new.n, new.search_text);
END;
CREATE TRIGGER events_ad AFTER DELETE ON events BEGIN
    INSERT INTO events_fts(events_fts, rowid, search_text) VALUES ('delete', old.n, old.search_text);
END;
CREATE TRIGGER events_au AFTER UPDATE OF search_text ON events BEGIN
    INSERT INTO events_fts(events_fts, rowid, search_text) VALUES ('delete', old.n, old.search_text);
    INSERT INTO events_fts(rowid, search_text) VALUES (new.n, new.search_text);
END;

-- Every version an event ever had; a delete adds a tombstone (deleted = 1,
-- record NULL), so history is never destroyed.
CREATE TABLE event_versions (
    event_id   TEXT NOT NULL,
    version    INTEGER NOT NULL,
    deleted    INTEGER NOT NULL,
    record     TEXT,
    reason     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (event_id, version)
);

-- The change feed. seq comes from the counters row, taken at the end of the
-- writing transaction, so seq order is commit order.
CREATE TABLE changes (
    seq        INTEGER PRIMARY KEY,
    event_id   TEXT NOT NULL,
    version    INTEGER NOT NULL,
    deleted    INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters(name, value) VALUES ('changes', 0);

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE feeds (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL DEFAULT '',
    every_ms      INTEGER NOT NULL,
    paused        INTEGER NOT NULL DEFAULT 0,
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    last_fetch    INTEGER NOT NULL DEFAULT 0,
    next_fetch    INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    failures      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    created_by    TEXT NOT NULL
);
CREATE INDEX feeds_next_fetch ON feeds(next_fetch);
