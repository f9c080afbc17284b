-- servers.next_run_utc: when the server's next digest is due (UTC, stamp text, sorts as time),
-- computed in Python from the local time and zone by the domain's DST rule. One scheduler
-- loop sleeps until the earliest of them instead of keeping one in-memory job per server.
-- Rows from before this migration have NULL and get their next run on the scheduler's first
-- pass (SQL cannot apply the time-zone rules).
ALTER TABLE servers ADD COLUMN next_run_utc TEXT;

CREATE INDEX servers_next_run ON servers (next_run_utc) WHERE next_run_utc IS NOT NULL;

-- Active schedules still without a next run (the upgrade above): found without a scan.
CREATE INDEX servers_next_run_missing ON servers (platform, server_id)
    WHERE next_run_utc IS NULL AND digest_time IS NOT NULL;
