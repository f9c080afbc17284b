-- Claims with provenance and dates that say where they come from (see SQLite's 0007).
ALTER TABLE entries ADD COLUMN event_date_basis TEXT NOT NULL DEFAULT 'source'
    CHECK (event_date_basis IN ('source', 'public-record', 'editor', 'report'));

-- figures.claim: the whole claim as the entry stores it; older rows get their entry's JSON.
ALTER TABLE figures ADD COLUMN claim JSON NOT NULL DEFAULT '{}';

UPDATE figures SET claim = coalesce(
    (SELECT e.figures -> figures.position FROM entries AS e WHERE e.id = figures.entry_id),
    '{}');
