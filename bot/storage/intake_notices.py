"""The newsroom's poll notices (the only SQL for them): batches and per-platform claims.

A batch is closed after a poll over every candidate no batch covers yet, so candidates a
crashed poll committed are announced with the next one. Each platform claims a batch before
posting its one message (the primary key makes the claim atomic), like digests.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.intake_records import NOTICE_TITLES, PollBatch
from bot.storage.codec import stamp
from bot.storage.database import Database
from bot.storage.intake_rows import batch_from_row

_BATCH = "SELECT id, first_candidate, last_candidate, created_at FROM intake_batches AS b"


class PollNoticeStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def close_poll(self, now: datetime) -> PollBatch | None:
        async with self._db.write() as conn:
            rows = await conn.execute_fetchall(
                "SELECT (SELECT COALESCE(MAX(last_candidate), 0) FROM intake_batches),"
                " (SELECT COALESCE(MAX(id), 0) FROM intake_candidates)"
            )
            covered, newest = next(iter(rows))
            if newest <= covered:
                return None
            cursor = await conn.execute(
                "INSERT INTO intake_batches (first_candidate, last_candidate, created_at)"
                " VALUES (?, ?, ?)",
                (covered + 1, newest, stamp(now)),
            )
            batch_id = cursor.lastrowid
        assert batch_id is not None
        return await self._batch(batch_id)

    async def pending_batches(self, platform: str, since: datetime) -> list[PollBatch]:
        async with self._db.read.execute(
            f"{_BATCH} WHERE created_at >= ? AND NOT EXISTS (SELECT 1 FROM intake_batch_notices"
            " AS n WHERE n.batch_id = b.id AND n.platform = ?) ORDER BY id",
            (stamp(since), platform),
        ) as cursor:
            rows = await cursor.fetchall()
        return [await self._with_titles(row) for row in rows]

    async def claim(self, batch_id: int, platform: str, channel_id: str, now: datetime) -> bool:
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "INSERT INTO intake_batch_notices (batch_id, platform, channel_id, status,"
                " claimed_at) VALUES (?, ?, ?, 'claimed', ?) ON CONFLICT DO NOTHING",
                (batch_id, platform, channel_id, stamp(now)),
            )
            return cursor.rowcount > 0

    async def stale_claims(self, platform: str, before: datetime) -> list[PollBatch]:
        async with self._db.read.execute(
            f"{_BATCH} JOIN intake_batch_notices AS n ON n.batch_id = b.id"
            " WHERE n.platform = ? AND n.status = 'claimed' AND n.claimed_at < ? ORDER BY b.id",
            (platform, stamp(before)),
        ) as cursor:
            rows = await cursor.fetchall()
        return [await self._with_titles(row) for row in rows]

    async def reclaim_stale(
        self, batch_id: int, platform: str, before: datetime, now: datetime
    ) -> bool:
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "UPDATE intake_batch_notices SET claimed_at = ? WHERE batch_id = ?"
                " AND platform = ? AND status = 'claimed' AND claimed_at < ?",
                (stamp(now), batch_id, platform, stamp(before)),
            )
            return cursor.rowcount > 0

    async def mark_posted(
        self, batch_id: int, platform: str, message_id: str, now: datetime
    ) -> None:
        await self._finish(batch_id, platform, "posted", message_id, None, now)

    async def mark_failed(self, batch_id: int, platform: str, reason: str, now: datetime) -> None:
        await self._finish(batch_id, platform, "failed", None, reason, now)

    async def mark_skipped(self, batch_id: int, platform: str, now: datetime) -> None:
        await self._finish(batch_id, platform, "skipped", None, None, now)

    async def status(self, batch_id: int, platform: str) -> tuple[str, str | None] | None:
        async with self._db.read.execute(
            "SELECT status, message_id FROM intake_batch_notices"
            " WHERE batch_id = ? AND platform = ?",
            (batch_id, platform),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else (str(row[0]), row[1])

    async def _finish(
        self,
        batch_id: int,
        platform: str,
        status: str,
        message_id: str | None,
        reason: str | None,
        now: datetime,
    ) -> None:
        # Only a claimed notice moves on: a final status is never overwritten.
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE intake_batch_notices SET status = ?, message_id = ?, last_error = ?,"
                " finished_at = ? WHERE batch_id = ? AND platform = ? AND status = 'claimed'",
                (status, message_id, reason, stamp(now), batch_id, platform),
            )

    async def _batch(self, batch_id: int) -> PollBatch:
        async with self._db.read.execute(f"{_BATCH} WHERE id = ?", (batch_id,)) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return await self._with_titles(row)

    async def _with_titles(self, row: aiosqlite.Row) -> PollBatch:
        """The batch with the titles of its candidates still pending (a candidate decided in
        the meantime needs nobody's attention)."""
        pending = (
            "FROM intake_candidates WHERE id BETWEEN ? AND ? AND state = 'pending'",
            (row[1], row[2]),
        )
        async with self._db.read.execute(f"SELECT COUNT(*) {pending[0]}", pending[1]) as cursor:
            counted = await cursor.fetchone()
        async with self._db.read.execute(
            f"SELECT title {pending[0]} ORDER BY id LIMIT ?", (*pending[1], NOTICE_TITLES)
        ) as cursor:
            titles = tuple(str(r[0]) for r in await cursor.fetchall())
        return batch_from_row(row, int(counted[0]) if counted else 0, titles)
