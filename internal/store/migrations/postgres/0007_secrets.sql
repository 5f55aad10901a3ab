-- Secrets the server makes once and keeps (the key that signs the pages'
-- session cookies), so that a restart does not log everyone out. Values are
-- random text; never shown through the API.
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
