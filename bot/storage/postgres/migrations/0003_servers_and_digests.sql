-- Per-server settings and the digest ledger: one row per server per local date, claimed
-- before posting (INSERT … ON CONFLICT DO NOTHING: of any number of processes one wins).
CREATE TABLE servers (
    platform          TEXT NOT NULL DEFAULT 'discord',
    server_id         TEXT NOT NULL,
    digest_channel_id TEXT,
    digest_time       TEXT,
    timezone          TEXT,
    topics            JSON NOT NULL DEFAULT '[]',
    quiet_days        TEXT NOT NULL DEFAULT 'post' CHECK (quiet_days IN ('post', 'skip')),
    editor_role_ids   JSON NOT NULL DEFAULT '[]',
    updated_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, server_id)
);

CREATE TABLE digests (
    platform     TEXT NOT NULL DEFAULT 'discord',
    server_id    TEXT NOT NULL,
    local_date   DATE NOT NULL,
    status       TEXT NOT NULL
                 CHECK (status IN ('claimed', 'posted', 'failed', 'missed', 'skipped')),
    channel_id   TEXT,
    message_id   TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    claimed_at   TIMESTAMPTZ,
    finished_at  TIMESTAMPTZ,
    PRIMARY KEY (platform, server_id, local_date)
);

CREATE INDEX digests_status ON digests (status, local_date);

CREATE TABLE app_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
