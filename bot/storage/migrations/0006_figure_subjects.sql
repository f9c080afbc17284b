-- One row per figure subject with claims in live entries: /brief figures lists the most
-- recently reported subjects and autocomplete matches typed text against this small table
-- (one row per quantity) instead of reading and grouping every claim in the archive.
-- counts is the wording of the subject's newest claim; newest is that claim's event date.
CREATE TABLE figure_subjects (
    subject     TEXT PRIMARY KEY,
    counts      TEXT NOT NULL,
    claim_count INTEGER NOT NULL,
    newest      TEXT NOT NULL
) WITHOUT ROWID;

-- Newest first, covering what autocomplete matches on: both reads walk this index and stop
-- at their LIMIT.
CREATE INDEX figure_subjects_newest ON figure_subjects (newest DESC, claim_count DESC, counts);

-- A claim added to a live entry (the hot path: bulk import) updates its subject in place.
CREATE TRIGGER figure_subjects_insert AFTER INSERT ON figures
WHEN (SELECT deleted_at IS NULL FROM entries WHERE id = new.entry_id)
BEGIN
    INSERT INTO figure_subjects (subject, counts, claim_count, newest)
    SELECT new.subject, new.counts, 1, event_date FROM entries WHERE id = new.entry_id
    ON CONFLICT (subject) DO UPDATE SET
        claim_count = claim_count + 1,
        counts = CASE WHEN excluded.newest >= newest THEN excluded.counts ELSE counts END,
        newest = max(newest, excluded.newest);
END;

-- Removals (an edit replaces an entry's claims; a delete or restore hides or shows them) are
-- rare, one entry at a time: the subjects they touch are recounted from their live claims
-- through figures_subject, which also keeps newest and counts exact.
CREATE TRIGGER figure_subjects_delete AFTER DELETE ON figures
BEGIN
    DELETE FROM figure_subjects WHERE subject = old.subject;
    INSERT INTO figure_subjects (subject, counts, claim_count, newest)
    SELECT f.subject, f.counts, count(*), max(e.event_date)
    FROM figures AS f JOIN entries AS e ON e.id = f.entry_id
    WHERE f.subject = old.subject AND e.deleted_at IS NULL
    GROUP BY f.subject;
END;

CREATE TRIGGER figure_subjects_visibility AFTER UPDATE OF deleted_at ON entries
WHEN (old.deleted_at IS NULL) != (new.deleted_at IS NULL)
BEGIN
    DELETE FROM figure_subjects
    WHERE subject IN (SELECT subject FROM figures WHERE entry_id = new.id);
    INSERT INTO figure_subjects (subject, counts, claim_count, newest)
    SELECT f.subject, f.counts, count(*), max(e.event_date)
    FROM figures AS f JOIN entries AS e ON e.id = f.entry_id
    WHERE f.subject IN (SELECT subject FROM figures WHERE entry_id = new.id)
        AND e.deleted_at IS NULL
    GROUP BY f.subject;
END;

INSERT INTO figure_subjects (subject, counts, claim_count, newest)
SELECT f.subject, f.counts, count(*), max(e.event_date)
FROM figures AS f JOIN entries AS e ON e.id = f.entry_id
WHERE e.deleted_at IS NULL
GROUP BY f.subject;
