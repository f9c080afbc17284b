-- digests.covers_until: entries recorded before this instant were offered to that digest, so
-- the next digest's window starts there. Kept apart from claimed_at, which start-up recovery
-- moves when it takes over a claim left by a crash.
ALTER TABLE digests ADD COLUMN covers_until TEXT;

-- servers.digest_since: when the schedule was last set; runs before it are not owed, so a
-- schedule set at 10:00 for 08:00 starts tomorrow instead of being "caught up" at once.
-- (updated_at also moves on editor-role changes, so it cannot serve.)
ALTER TABLE servers ADD COLUMN digest_since TEXT;

CREATE INDEX digests_claimed ON digests (claimed_at) WHERE status = 'claimed';
