-- Entries with their sources and figures, tags for filtering, and every revision (as SQLite's
-- 0001). Ids are allocated by the store under the entries write lock (max + 1, as SQLite's
-- rowid), so a copy between backends keeps them and no sequence needs resetting.
-- JSON columns are json, not jsonb: nothing queries inside them, and json keeps the text as
-- written, so entries read back byte for byte and `briefbot db copy` is exact both ways.
CREATE TABLE entries (
    id          BIGINT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    summary     TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    event_date  DATE NOT NULL,
    -- kept as the text the source gave (with or without an offset): it round-trips unchanged
    reported_at TEXT,
    status      TEXT NOT NULL
                CHECK (status IN ('confirmed', 'reported', 'unconfirmed', 'disputed', 'denied')),
    importance  INTEGER NOT NULL CHECK (importance BETWEEN 1 AND 3),
    topics      JSON NOT NULL,
    actors      JSON NOT NULL,
    sources     JSON NOT NULL,
    figures     JSON NOT NULL DEFAULT '[]',
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    revision    INTEGER NOT NULL DEFAULT 1,
    deleted_at  TIMESTAMPTZ
);

CREATE INDEX entries_latest ON entries (event_date DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX entries_created ON entries (created_at);

CREATE TABLE entry_tags (
    kind       TEXT NOT NULL CHECK (kind IN ('topic', 'actor')),
    tag        TEXT NOT NULL,
    event_date DATE NOT NULL,
    entry_id   BIGINT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, tag, event_date, entry_id)
);

CREATE INDEX entry_tags_entry ON entry_tags (entry_id);

CREATE TABLE figures (
    entry_id   BIGINT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    subject    TEXT NOT NULL,
    value      DOUBLE PRECISION NOT NULL,
    display    TEXT NOT NULL,
    counts     TEXT NOT NULL,
    claimed_by TEXT NOT NULL,
    status     TEXT NOT NULL,
    PRIMARY KEY (entry_id, position)
);

CREATE INDEX figures_subject ON figures (subject);

-- One row per revision; content is the entry as it stood after the action.
CREATE TABLE revisions (
    entry_id       BIGINT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    revision       INTEGER NOT NULL,
    action         TEXT NOT NULL CHECK (action IN ('add', 'edit', 'delete', 'restore')),
    actor          TEXT NOT NULL,
    at             TIMESTAMPTZ NOT NULL,
    changed_fields JSON NOT NULL,
    content        JSON NOT NULL,
    PRIMARY KEY (entry_id, revision)
);
