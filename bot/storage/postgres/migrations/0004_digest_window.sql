-- digests.covers_until: where the next digest's window starts (see SQLite's 0004).
ALTER TABLE digests ADD COLUMN covers_until TIMESTAMPTZ;

-- servers.digest_since: when the schedule was last set; runs before it are not owed.
ALTER TABLE servers ADD COLUMN digest_since TIMESTAMPTZ;

CREATE INDEX digests_claimed ON digests (claimed_at) WHERE status = 'claimed';
