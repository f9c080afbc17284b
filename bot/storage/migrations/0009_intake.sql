-- Intake: feeds polled, items read, candidates grouped for review, editors' decisions.
CREATE TABLE intake_feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    every_minutes INTEGER NOT NULL DEFAULT 15,
    include_words TEXT NOT NULL DEFAULT '',
    exclude_words TEXT NOT NULL DEFAULT '',
    paused INTEGER NOT NULL DEFAULT 0,
    pause_reason TEXT,
    etag TEXT,
    last_modified TEXT,
    last_success TEXT,
    last_error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    items_seen INTEGER NOT NULL DEFAULT 0,
    next_poll TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE intake_candidates (
    id INTEGER PRIMARY KEY,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'approved', 'merged', 'rejected')),
    title TEXT NOT NULL,
    signature BLOB NOT NULL,
    queued_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX intake_candidates_queue ON intake_candidates (state, queued_at, id);

-- key: the GUID or the normalised address; the same item seen twice is one row.
CREATE TABLE intake_items (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    feed_id INTEGER REFERENCES intake_feeds (id) ON DELETE SET NULL,
    outlet TEXT NOT NULL,
    url TEXT,
    title TEXT NOT NULL,
    published TEXT,
    body TEXT,
    -- the extractor's draft (JSON), kept when the retention setting drops the body
    draft TEXT NOT NULL,
    candidate_id INTEGER REFERENCES intake_candidates (id),
    fetched_at TEXT NOT NULL
);
CREATE INDEX intake_items_candidate ON intake_items (candidate_id);
CREATE INDEX intake_items_fetched ON intake_items (fetched_at);

CREATE TABLE intake_decisions (
    id INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES intake_candidates (id),
    action TEXT NOT NULL CHECK (action IN ('approve', 'merge', 'reject', 'later')),
    actor TEXT NOT NULL,
    reason TEXT,
    entry_slug TEXT,
    at TEXT NOT NULL
);
