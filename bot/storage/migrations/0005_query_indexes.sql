-- The ids of soft-deleted entries, for search to leave out without reading each match's
-- row (the index holds only deleted entries, so it stays tiny).
CREATE INDEX entries_deleted ON entries (id) WHERE deleted_at IS NOT NULL;

-- entries_latest plus slug and title: /brief latest walks it as before, and autocomplete
-- (a substring match on title or slug, newest first) scans it instead of the table, whose
-- rows carry the body (~150 bytes an index entry against several kB a row).
CREATE INDEX entries_titles ON entries (event_date DESC, id DESC, slug, title)
    WHERE deleted_at IS NULL;
DROP INDEX entries_latest;
