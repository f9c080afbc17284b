"""Items, candidates and editors' decisions (the only SQL for the review queue).

A poll's items, their grouping into candidates and the feed's new ETag are written in one
transaction: a poll killed midway leaves the feed's old ETag, so its items are fetched again
rather than lost; the unique item key means they are never stored twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.domain.intake_records import Candidate, CandidateNotFound, FeedOutcome, Matcher, NewItem
from bot.storage.database import Database
from bot.storage.intake_rows import (
    DECIDED_STATES,
    candidate_from_row,
    candidate_not_found,
    not_pending,
    poll_rows,
    polled_row,
)

__all__ = ["Candidate", "CandidateNotFound", "NewItem", "QueueStore", "went_out"]

# SQLite's default limit on bound parameters is 999 on old builds; stay well under it.
_CHUNK = 500


class QueueStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def signatures(self, since: datetime, after: int = 0) -> list[tuple[int, bytes]]:
        """Every story of the window, whatever its state: a rejected one must match again."""
        async with self._db.read.execute(
            "SELECT id, signature FROM intake_candidates WHERE created_at >= ? AND id > ?"
            " ORDER BY id",
            (since.isoformat(), after),
        ) as cursor:
            return [(row[0], bytes(row[1])) for row in await cursor.fetchall()]

    async def known_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` are stored already (seen items need no work at all)."""
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            async with self._db.read.execute(
                f"SELECT key FROM intake_items WHERE key IN ({marks})", chunk
            ) as cursor:
                found.update(row[0] for row in await cursor.fetchall())
        return found

    async def record_items(
        self, items: list[NewItem], matcher: Matcher, now: datetime, feed: FeedOutcome | None
    ) -> list[int]:
        """Store the new items, each joined to its story or starting one; returns new
        candidates' ids. With ``feed``, the feed's poll state is updated in the same commit."""
        async with self._db.write() as conn:
            # One transaction, three statements: a feed's items cost no thread hop each.
            seen = await self._stored(conn, [item.key for item in items])
            rows = await conn.execute_fetchall("SELECT COALESCE(MAX(id), 0) FROM intake_candidates")
            next_id = next(iter(rows))[0] + 1
            poll = poll_rows(items, seen, matcher, next_id, feed.feed_id if feed else None, now)
            await conn.executemany(
                "INSERT INTO intake_candidates (id, title, signature, queued_at, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                poll.candidates,
            )
            await conn.executemany(
                "INSERT INTO intake_items (key, feed_id, outlet, url, title, published, body,"
                " draft, candidate_id, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                poll.items,
            )
            if feed is not None:
                await conn.execute(
                    "UPDATE intake_feeds SET etag = COALESCE(?, etag),"
                    " last_modified = COALESCE(?, last_modified),"
                    " body_hash = COALESCE(?, body_hash), last_success = ?,"
                    " last_error = ?, failures = 0, items_seen = items_seen + ?, next_poll = ?"
                    " WHERE id = ?",
                    polled_row(feed, now, len(poll.items)),
                )
        return poll.created

    @staticmethod
    async def _stored(conn: aiosqlite.Connection, keys: list[str]) -> set[str]:
        """The keys among ``keys`` stored already, read inside the write transaction."""
        found: set[str] = set()
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            rows = await conn.execute_fetchall(
                f"SELECT key FROM intake_items WHERE key IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            found.update(row[0] for row in rows)
        return found

    async def pending(self, limit: int = 50) -> list[Candidate]:
        """The oldest pending candidates first ("later" sends one to the back)."""
        async with self._db.read.execute(
            "SELECT id FROM intake_candidates WHERE state = 'pending'"
            " ORDER BY queued_at, id LIMIT ?",
            (limit,),
        ) as cursor:
            ids = [row[0] for row in await cursor.fetchall()]
        return [await self.get(i) for i in ids]

    async def count_pending(self) -> int:
        async with self._db.read.execute(
            "SELECT COUNT(*) FROM intake_candidates WHERE state = 'pending'"
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def get(self, candidate_id: int) -> Candidate:
        async with self._db.read.execute(
            "SELECT * FROM intake_candidates WHERE id = ?", (candidate_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            raise candidate_not_found(candidate_id)
        async with self._db.read.execute(
            "SELECT outlet, url, title, published, draft FROM intake_items"
            " WHERE candidate_id = ? ORDER BY id",
            (candidate_id,),
        ) as cursor:
            return candidate_from_row(row, await cursor.fetchall())

    async def decide(
        self,
        candidate_id: int,
        action: str,
        actor: str,
        now: datetime,
        reason: str | None = None,
        entry_slug: str | None = None,
    ) -> None:
        """Record an editor's decision; the candidate leaves the queue unless it is "later"."""
        async with self._db.write() as conn:
            await record_decision(conn, candidate_id, action, actor, now, reason, entry_slug)

    async def purge_bodies(self, before: datetime) -> int:
        """Retention: drop raw article text older than ``before`` (keys and drafts stay, so
        the same item is still recognised)."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "UPDATE intake_items SET body = NULL WHERE fetched_at < ? AND body IS NOT NULL",
                (before.isoformat(),),
            )
            return cursor.rowcount


async def record_decision(
    conn: aiosqlite.Connection,
    candidate_id: int,
    action: str,
    actor: str,
    now: datetime,
    reason: str | None = None,
    entry_slug: str | None = None,
) -> None:
    """The decision, inside the caller's write transaction: only while the candidate is
    pending (``CandidateNotFound`` otherwise), so the first decision wins and a caller that
    also writes an entry (approve, merge) rolls it back with the lost decision."""
    cursor = await conn.execute(
        "UPDATE intake_candidates SET state = COALESCE(?, state), queued_at = ?"
        " WHERE id = ? AND state = 'pending'",
        (DECIDED_STATES.get(action), now.isoformat(), candidate_id),
    )
    if cursor.rowcount == 0:
        raise not_pending(candidate_id)
    await conn.execute(
        "INSERT INTO intake_decisions (candidate_id, action, actor, reason, entry_slug,"
        " at) VALUES (?, ?, ?, ?, ?, ?)",
        (candidate_id, action, actor, reason, entry_slug, now.isoformat()),
    )


async def went_out(database: Database, entry_id: int) -> bool:
    """Whether a posted digest carried the entry (a merge into it is then a correction)."""
    async with database.read.execute(
        "SELECT 1 FROM digest_entries AS d JOIN digests AS g ON g.platform = d.platform"
        " AND g.server_id = d.server_id AND g.local_date = d.local_date"
        " WHERE d.entry_id = ? AND g.status = 'posted' LIMIT 1",
        (entry_id,),
    ) as cursor:
        return await cursor.fetchone() is not None
