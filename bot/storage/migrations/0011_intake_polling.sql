-- Intake inside the bot: one poller at a time (a lease), one newsroom notice per poll.

-- A digest of a feed's body as last read: the same bytes again need no parsing.
ALTER TABLE intake_feeds ADD COLUMN body_hash TEXT;

-- Named leases: one holder at a time until expires_at; a holder that dies hands over.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- What one poll created: candidates first_candidate..last_candidate (a crashed poll's are
-- taken into the next batch, so none is left unannounced).
CREATE TABLE intake_batches (
    id INTEGER PRIMARY KEY,
    first_candidate INTEGER NOT NULL,
    last_candidate INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

-- The newsroom's notice of a batch, once per platform: claimed before it is posted.
CREATE TABLE intake_batch_notices (
    batch_id INTEGER NOT NULL REFERENCES intake_batches (id),
    platform TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('claimed', 'posted', 'failed', 'skipped')),
    message_id TEXT,
    last_error TEXT,
    claimed_at TEXT NOT NULL,
    finished_at TEXT,
    PRIMARY KEY (batch_id, platform)
);
