-- Corrections reach every channel that received the corrected entry, exactly once.
-- digest_entries: the entries each digest carried, written before it is sent (so a digest
-- recovered after a crash still knows them); a correction is owed where the digest posted.
CREATE TABLE digest_entries (
    platform   TEXT NOT NULL,
    server_id  TEXT NOT NULL,
    local_date TEXT NOT NULL,
    entry_id   INTEGER NOT NULL,
    PRIMARY KEY (platform, server_id, local_date, entry_id)
) WITHOUT ROWID;

CREATE INDEX digest_entries_entry ON digest_entries (entry_id);

-- revisions.correction: the changes (JSON list of "what: old → new") when the editor saved
-- the edit as a correction; NULL for a minor edit and every other action.
ALTER TABLE revisions ADD COLUMN correction TEXT
    CHECK (correction IS NULL OR json_valid(correction));

-- One notice per channel per corrected revision, claimed before it is sent (as digests
-- are): pending → claimed → posted | failed. A crash leaves 'claimed'; start-up looks for
-- the notice's marker in the channel and only sends it if it is not there.
CREATE TABLE correction_notices (
    platform    TEXT NOT NULL,
    server_id   TEXT NOT NULL,
    channel_id  TEXT NOT NULL,
    entry_id    INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    revision    INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'claimed', 'posted', 'failed')),
    message_id  TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TEXT NOT NULL,
    claimed_at  TEXT,
    finished_at TEXT,
    PRIMARY KEY (platform, server_id, channel_id, entry_id, revision)
);

CREATE INDEX correction_notices_open ON correction_notices (status)
    WHERE status IN ('pending', 'claimed');
