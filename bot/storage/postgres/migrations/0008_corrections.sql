-- Corrections reach every channel that received the corrected entry, exactly once (see
-- SQLite's 0008): the entries each digest carried, and one notice per channel per revision.
CREATE TABLE digest_entries (
    platform   TEXT NOT NULL,
    server_id  TEXT NOT NULL,
    local_date DATE NOT NULL,
    entry_id   BIGINT NOT NULL,
    PRIMARY KEY (platform, server_id, local_date, entry_id)
);

CREATE INDEX digest_entries_entry ON digest_entries (entry_id);

ALTER TABLE revisions ADD COLUMN correction JSON;

CREATE TABLE correction_notices (
    platform    TEXT NOT NULL,
    server_id   TEXT NOT NULL,
    channel_id  TEXT NOT NULL,
    entry_id    BIGINT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    revision    INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'claimed', 'posted', 'failed')),
    message_id  TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    claimed_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    PRIMARY KEY (platform, server_id, channel_id, entry_id, revision)
);

CREATE INDEX correction_notices_open ON correction_notices (status)
    WHERE status IN ('pending', 'claimed');
