-- Per-server settings (digest schedule, topic filter, editor roles) and the digest ledger:
-- one row per server per local date, claimed before posting, which makes digests
-- exactly-once. Both carry the platform so Discord and Slack share them.
CREATE TABLE servers (
    platform          TEXT NOT NULL DEFAULT 'discord',
    server_id         TEXT NOT NULL,
    digest_channel_id TEXT,
    digest_time       TEXT,
    timezone          TEXT,
    topics            TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(topics)),
    quiet_days        TEXT NOT NULL DEFAULT 'post' CHECK (quiet_days IN ('post', 'skip')),
    editor_role_ids   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(editor_role_ids)),
    updated_at        TEXT NOT NULL,
    PRIMARY KEY (platform, server_id)
);

CREATE TABLE digests (
    platform     TEXT NOT NULL DEFAULT 'discord',
    server_id    TEXT NOT NULL,
    local_date   TEXT NOT NULL,
    status       TEXT NOT NULL
                 CHECK (status IN ('claimed', 'posted', 'failed', 'missed', 'skipped')),
    channel_id   TEXT,
    message_id   TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    claimed_at   TEXT,
    finished_at  TEXT,
    PRIMARY KEY (platform, server_id, local_date)
);

CREATE INDEX digests_status ON digests (status, local_date);

CREATE TABLE app_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
