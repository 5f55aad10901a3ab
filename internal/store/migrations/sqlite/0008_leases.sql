-- Leases say which process owns something for a while: the running server
-- holds "server" and renews it, so that the CLI can refuse to change the
-- incident state behind its back (the server's next save would overwrite
-- the change). A lease past expires_at is free.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
