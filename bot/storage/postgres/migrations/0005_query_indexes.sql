-- The ids of soft-deleted entries (tiny), and the newest-first index that autocomplete scans.
CREATE INDEX entries_deleted ON entries (id) WHERE deleted_at IS NOT NULL;

CREATE INDEX entries_titles ON entries (event_date DESC, id DESC, slug, title)
    WHERE deleted_at IS NULL;
DROP INDEX entries_latest;
