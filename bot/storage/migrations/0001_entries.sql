-- Entries with their sources and figures, tags for filtering, and every revision.
-- topics/actors/sources/figures are kept as JSON on the entry so one query reads a whole
-- entry; entry_tags and figures mirror them for indexed filtering and the figures tracker.
CREATE TABLE entries (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    summary     TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    event_date  TEXT NOT NULL,
    reported_at TEXT,
    status      TEXT NOT NULL
                CHECK (status IN ('confirmed', 'reported', 'unconfirmed', 'disputed', 'denied')),
    importance  INTEGER NOT NULL CHECK (importance BETWEEN 1 AND 3),
    topics      TEXT NOT NULL CHECK (json_valid(topics)),
    actors      TEXT NOT NULL CHECK (json_valid(actors)),
    sources     TEXT NOT NULL CHECK (json_valid(sources)),
    figures     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(figures)),
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    revision    INTEGER NOT NULL DEFAULT 1,
    deleted_at  TEXT
);

CREATE INDEX entries_latest ON entries (event_date DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX entries_created ON entries (created_at);

CREATE TABLE entry_tags (
    kind       TEXT NOT NULL CHECK (kind IN ('topic', 'actor')),
    tag        TEXT NOT NULL,
    event_date TEXT NOT NULL,
    entry_id   INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, tag, event_date, entry_id)
) WITHOUT ROWID;

CREATE INDEX entry_tags_entry ON entry_tags (entry_id);

CREATE TABLE figures (
    entry_id   INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    subject    TEXT NOT NULL,
    value      REAL NOT NULL,
    display    TEXT NOT NULL,
    counts     TEXT NOT NULL,
    claimed_by TEXT NOT NULL,
    status     TEXT NOT NULL,
    PRIMARY KEY (entry_id, position)
);

CREATE INDEX figures_subject ON figures (subject);

-- One row per revision; content is the entry as it stood after the action, so the
-- previous version of every change is the row before it.
CREATE TABLE revisions (
    entry_id       INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    revision       INTEGER NOT NULL,
    action         TEXT NOT NULL CHECK (action IN ('add', 'edit', 'delete', 'restore')),
    actor          TEXT NOT NULL,
    at             TEXT NOT NULL,
    changed_fields TEXT NOT NULL CHECK (json_valid(changed_fields)),
    content        TEXT NOT NULL CHECK (json_valid(content)),
    PRIMARY KEY (entry_id, revision)
);
