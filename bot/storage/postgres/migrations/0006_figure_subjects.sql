-- One row per figure subject with claims in live entries (see SQLite's 0006): /brief figures
-- and autocomplete read this small table instead of grouping every claim in the archive.
CREATE TABLE figure_subjects (
    subject     TEXT PRIMARY KEY,
    counts      TEXT NOT NULL,
    claim_count INTEGER NOT NULL,
    newest      DATE NOT NULL
);

CREATE INDEX figure_subjects_newest ON figure_subjects (newest DESC, claim_count DESC, counts);

-- Recount the given subjects from their live claims (exact newest and counts). Upserts, so
-- two transactions recounting one subject at once cannot collide on its key.
CREATE FUNCTION figure_subjects_recount(chosen TEXT[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM figure_subjects AS s WHERE s.subject = ANY (chosen) AND NOT EXISTS (
        SELECT 1 FROM figures AS f JOIN entries AS e ON e.id = f.entry_id
        WHERE f.subject = s.subject AND e.deleted_at IS NULL);
    INSERT INTO figure_subjects (subject, counts, claim_count, newest)
    SELECT f.subject, (array_agg(f.counts ORDER BY e.event_date DESC, e.id DESC))[1],
           count(*), max(e.event_date)
    FROM figures AS f JOIN entries AS e ON e.id = f.entry_id
    WHERE f.subject = ANY (chosen) AND e.deleted_at IS NULL
    GROUP BY f.subject
    ON CONFLICT (subject) DO UPDATE SET counts = excluded.counts,
        claim_count = excluded.claim_count, newest = excluded.newest;
$$;

-- A claim added to a live entry (the hot path: bulk import) updates its subject in place.
CREATE FUNCTION figure_subjects_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO figure_subjects (subject, counts, claim_count, newest)
    SELECT new.subject, new.counts, 1, e.event_date FROM entries AS e
    WHERE e.id = new.entry_id AND e.deleted_at IS NULL
    ON CONFLICT (subject) DO UPDATE SET
        claim_count = figure_subjects.claim_count + 1,
        counts = CASE WHEN excluded.newest >= figure_subjects.newest
                      THEN excluded.counts ELSE figure_subjects.counts END,
        newest = greatest(figure_subjects.newest, excluded.newest);
    RETURN NULL;
END $$;

CREATE TRIGGER figure_subjects_insert AFTER INSERT ON figures
    FOR EACH ROW EXECUTE FUNCTION figure_subjects_on_insert();

CREATE FUNCTION figure_subjects_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM figure_subjects_recount(ARRAY[old.subject]);
    RETURN NULL;
END $$;

CREATE TRIGGER figure_subjects_delete AFTER DELETE ON figures
    FOR EACH ROW EXECUTE FUNCTION figure_subjects_on_delete();

CREATE FUNCTION figure_subjects_on_visibility() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (old.deleted_at IS NULL) <> (new.deleted_at IS NULL) THEN
        PERFORM figure_subjects_recount(
            ARRAY(SELECT DISTINCT subject FROM figures WHERE entry_id = new.id));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER figure_subjects_visibility AFTER UPDATE OF deleted_at ON entries
    FOR EACH ROW EXECUTE FUNCTION figure_subjects_on_visibility();

SELECT figure_subjects_recount(ARRAY(SELECT DISTINCT subject FROM figures));
