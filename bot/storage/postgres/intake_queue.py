"""Items, candidates and editors' decisions on PostgreSQL (see :mod:`bot.storage.intake_queue`).

A poll's items, their candidates and the feed's new poll state are one transaction under
the ``intake`` advisory lock: two writers (the polling process and an editor's ``briefbot
suggest``) take turns, so candidate ids (``max + 1``, as on SQLite) are never given twice and
an item key is stored once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.domain.intake_records import Candidate, FeedOutcome, Matcher, NewItem
from bot.storage import intake_rows
from bot.storage.postgres.database import Connection, PgDatabase, affected

INTAKE_LOCK = "intake"


class PgQueueStore:
    def __init__(self, database: PgDatabase) -> None:
        self._db = database

    async def signatures(self, since: datetime, after: int = 0) -> list[tuple[int, bytes]]:
        rows = await self._db.fetch(
            "SELECT id, signature FROM intake_candidates WHERE created_at >= $1 AND id > $2"
            " ORDER BY id",
            since.isoformat(),
            after,
        )
        return [(int(row[0]), bytes(row[1])) for row in rows]

    async def known_keys(self, keys: Iterable[str]) -> set[str]:
        wanted = [key for key in dict.fromkeys(keys) if "\x00" not in key]
        rows = await self._db.fetch(
            "SELECT key FROM intake_items WHERE key = ANY($1::text[])", wanted
        )
        return {str(row[0]) for row in rows}

    async def record_items(
        self, items: list[NewItem], matcher: Matcher, now: datetime, feed: FeedOutcome | None
    ) -> list[int]:
        async with self._db.write(lock=INTAKE_LOCK) as connection:
            seen = await _stored(connection, [item.key for item in items])
            next_id = int(
                await connection.fetchval("SELECT COALESCE(MAX(id), 0) + 1 FROM intake_candidates")
            )
            poll = intake_rows.poll_rows(
                items, seen, matcher, next_id, feed.feed_id if feed else None, now
            )
            await connection.executemany(
                "INSERT INTO intake_candidates (id, title, signature, queued_at, created_at)"
                " VALUES ($1, $2, $3, $4, $5)",
                poll.candidates,
            )
            await connection.executemany(
                "INSERT INTO intake_items (key, feed_id, outlet, url, title, published, body,"
                " draft, candidate_id, fetched_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                poll.items,
            )
            if feed is not None:
                await connection.execute(
                    "UPDATE intake_feeds SET etag = COALESCE($1, etag),"
                    " last_modified = COALESCE($2, last_modified),"
                    " body_hash = COALESCE($3, body_hash), last_success = $4,"
                    " last_error = $5, failures = 0, items_seen = items_seen + $6,"
                    " next_poll = $7 WHERE id = $8",
                    *intake_rows.polled_row(feed, now, len(poll.items)),
                )
        return poll.created

    async def pending(self, limit: int = 50) -> list[Candidate]:
        rows = await self._db.fetch(
            "SELECT id FROM intake_candidates WHERE state = 'pending'"
            " ORDER BY queued_at, id LIMIT $1",
            limit,
        )
        return [await self.get(int(row[0])) for row in rows]

    async def count_pending(self) -> int:
        count = await self._db.fetchval(
            "SELECT count(*) FROM intake_candidates WHERE state = 'pending'"
        )
        return int(count)

    async def get(self, candidate_id: int) -> Candidate:
        row = await self._db.fetchrow(
            "SELECT id, state, title, queued_at FROM intake_candidates WHERE id = $1",
            candidate_id,
        )
        if row is None:
            raise intake_rows.candidate_not_found(candidate_id)
        rows = await self._db.fetch(
            "SELECT outlet, url, title, published, draft FROM intake_items"
            " WHERE candidate_id = $1 ORDER BY id",
            candidate_id,
        )
        return intake_rows.candidate_from_row(row, rows)

    async def decide(
        self,
        candidate_id: int,
        action: str,
        actor: str,
        now: datetime,
        reason: str | None = None,
        entry_slug: str | None = None,
    ) -> None:
        async with self._db.write() as connection:
            await record_decision(connection, candidate_id, action, actor, now, reason, entry_slug)

    async def purge_bodies(self, before: datetime) -> int:
        async with self._db.write() as connection:
            status = await connection.execute(
                "UPDATE intake_items SET body = NULL WHERE fetched_at < $1 AND body IS NOT NULL",
                before.isoformat(),
            )
        return affected(status)


async def _stored(connection: Connection, keys: list[str]) -> set[str]:
    """The keys among ``keys`` stored already, read inside the write transaction."""
    rows = await connection.fetch("SELECT key FROM intake_items WHERE key = ANY($1::text[])", keys)
    return {str(row[0]) for row in rows}


async def record_decision(
    connection: Connection,
    candidate_id: int,
    action: str,
    actor: str,
    now: datetime,
    reason: str | None = None,
    entry_slug: str | None = None,
) -> None:
    """The decision inside the caller's transaction, as SQLite's: the conditional UPDATE's
    row lock makes a second decider wait, then find the candidate decided."""
    status = await connection.execute(
        "UPDATE intake_candidates SET state = COALESCE($1, state), queued_at = $2"
        " WHERE id = $3 AND state = 'pending'",
        intake_rows.DECIDED_STATES.get(action),
        now.isoformat(),
        candidate_id,
    )
    if affected(status) == 0:
        raise intake_rows.not_pending(candidate_id)
    await connection.execute(
        "INSERT INTO intake_decisions (candidate_id, action, actor, reason, entry_slug,"
        " at) VALUES ($1, $2, $3, $4, $5, $6)",
        candidate_id,
        action,
        actor,
        reason,
        entry_slug,
        now.isoformat(),
    )


async def pg_went_out(database: PgDatabase, entry_id: int) -> bool:
    """Whether a posted digest carried the entry (a merge into it is then a correction)."""
    found = await database.fetchval(
        "SELECT 1 FROM digest_entries AS d JOIN digests AS g ON g.platform = d.platform"
        " AND g.server_id = d.server_id AND g.local_date = d.local_date"
        " WHERE d.entry_id = $1 AND g.status = 'posted' LIMIT 1",
        entry_id,
    )
    return found is not None
