"""The newsroom's poll notices on PostgreSQL (see :mod:`bot.storage.intake_notices`): batches
and per-platform claims, the claim one ``INSERT … ON CONFLICT DO NOTHING`` (one sender wins)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.intake_records import NOTICE_TITLES, PollBatch
from bot.storage.codec import stamp
from bot.storage.intake_rows import batch_from_row
from bot.storage.postgres.database import PgDatabase, affected
from bot.storage.postgres.intake_queue import INTAKE_LOCK

_BATCH = "SELECT id, first_candidate, last_candidate, created_at FROM intake_batches AS b"


class PgPollNoticeStore:
    def __init__(self, database: PgDatabase) -> None:
        self._db = database

    async def close_poll(self, now: datetime) -> PollBatch | None:
        # Under the intake lock: two closing polls cannot both cover the same candidates.
        async with self._db.write(lock=INTAKE_LOCK) as connection:
            covered, newest = await connection.fetchrow(
                "SELECT (SELECT COALESCE(MAX(last_candidate), 0) FROM intake_batches),"
                " (SELECT COALESCE(MAX(id), 0) FROM intake_candidates)"
            )
            if newest <= covered:
                return None
            batch_id = await connection.fetchval(
                "INSERT INTO intake_batches (first_candidate, last_candidate, created_at)"
                " VALUES ($1, $2, $3) RETURNING id",
                covered + 1,
                newest,
                stamp(now),
            )
        return await self._batch(int(batch_id))

    async def pending_batches(self, platform: str, since: datetime) -> list[PollBatch]:
        rows = await self._db.fetch(
            f"{_BATCH} WHERE created_at >= $1 AND NOT EXISTS (SELECT 1 FROM"
            " intake_batch_notices AS n WHERE n.batch_id = b.id AND n.platform = $2) ORDER BY id",
            stamp(since),
            platform,
        )
        return [await self._with_titles(row) for row in rows]

    async def claim(self, batch_id: int, platform: str, channel_id: str, now: datetime) -> bool:
        async with self._db.write() as connection:
            status = await connection.execute(
                "INSERT INTO intake_batch_notices (batch_id, platform, channel_id, status,"
                " claimed_at) VALUES ($1, $2, $3, 'claimed', $4) ON CONFLICT DO NOTHING",
                batch_id,
                platform,
                channel_id,
                stamp(now),
            )
        return affected(status) > 0

    async def stale_claims(self, platform: str, before: datetime) -> list[PollBatch]:
        rows = await self._db.fetch(
            f"{_BATCH} JOIN intake_batch_notices AS n ON n.batch_id = b.id WHERE n.platform = $1"
            " AND n.status = 'claimed' AND n.claimed_at < $2 ORDER BY b.id",
            platform,
            stamp(before),
        )
        return [await self._with_titles(row) for row in rows]

    async def reclaim_stale(
        self, batch_id: int, platform: str, before: datetime, now: datetime
    ) -> bool:
        async with self._db.write() as connection:
            status = await connection.execute(
                "UPDATE intake_batch_notices SET claimed_at = $1 WHERE batch_id = $2"
                " AND platform = $3 AND status = 'claimed' AND claimed_at < $4",
                stamp(now),
                batch_id,
                platform,
                stamp(before),
            )
        return affected(status) > 0

    async def mark_posted(
        self, batch_id: int, platform: str, message_id: str, now: datetime
    ) -> None:
        await self._finish(batch_id, platform, "posted", message_id, None, now)

    async def mark_failed(self, batch_id: int, platform: str, reason: str, now: datetime) -> None:
        await self._finish(batch_id, platform, "failed", None, reason, now)

    async def mark_skipped(self, batch_id: int, platform: str, now: datetime) -> None:
        await self._finish(batch_id, platform, "skipped", None, None, now)

    async def status(self, batch_id: int, platform: str) -> tuple[str, str | None] | None:
        row = await self._db.fetchrow(
            "SELECT status, message_id FROM intake_batch_notices"
            " WHERE batch_id = $1 AND platform = $2",
            batch_id,
            platform,
        )
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
        async with self._db.write() as connection:
            await connection.execute(
                "UPDATE intake_batch_notices SET status = $1, message_id = $2, last_error = $3,"
                " finished_at = $4 WHERE batch_id = $5 AND platform = $6 AND status = 'claimed'",
                status,
                message_id,
                reason,
                stamp(now),
                batch_id,
                platform,
            )

    async def _batch(self, batch_id: int) -> PollBatch:
        row = await self._db.fetchrow(f"{_BATCH} WHERE id = $1", batch_id)
        assert row is not None
        return await self._with_titles(row)

    async def _with_titles(self, row: Any) -> PollBatch:
        """The batch with the titles of its candidates still pending."""
        found = await self._db.fetchrow(
            "SELECT count(*), (array_agg(title ORDER BY id))[1:$3] FROM intake_candidates"
            " WHERE id BETWEEN $1 AND $2 AND state = 'pending'",
            row[1],
            row[2],
            NOTICE_TITLES,
        )
        counted, titles = found if found is not None else (0, None)
        return batch_from_row(row, int(counted), titles or ())
