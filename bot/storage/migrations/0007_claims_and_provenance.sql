-- Claims with provenance and dates that say where they come from.
-- entries.event_date_basis: whether the source states the event date ('source') or it comes
-- from the public record, the editor's inference or the date of the report. Existing
-- entries keep 'source' until an editor or a re-import says otherwise.
ALTER TABLE entries ADD COLUMN event_date_basis TEXT NOT NULL DEFAULT 'source'
    CHECK (event_date_basis IN ('source', 'public-record', 'editor', 'report'));

-- figures.claim: the whole claim as the entry stores it (qualifier, unit, originator,
-- relays), so the tracker reads claims exactly as entries do. Rows written before this
-- migration get their entry's JSON; the codec reads the qualifier of such old claims from
-- their display text ("at least 1,500" → at_least) and claimed_by as the originator.
ALTER TABLE figures ADD COLUMN claim TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(claim));

UPDATE figures SET claim = coalesce(
    (SELECT j.value FROM entries AS e, json_each(e.figures) AS j
     WHERE e.id = figures.entry_id AND j.key = figures.position),
    '{}');
