-- servers.next_run_utc: when the server's next digest is due (see SQLite's 0010): one timer
-- sleeps until the earliest instead of one in-memory job per server.
ALTER TABLE servers ADD COLUMN next_run_utc TIMESTAMPTZ;

CREATE INDEX servers_next_run ON servers (next_run_utc) WHERE next_run_utc IS NOT NULL;

CREATE INDEX servers_next_run_missing ON servers (platform, server_id)
    WHERE next_run_utc IS NULL AND digest_time IS NOT NULL;
