"""Feeds to poll and how each poll went, on PostgreSQL (see :mod:`bot.storage.intake_feeds`;
the rows are :mod:`bot.storage.intake_rows`'s, times the same ISO text)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.intake_records import Feed, FeedOutcome
from bot.storage import intake_rows
from bot.storage.postgres.database import PgDatabase
from bot.storage.refs import row_id


class PgFeedStore:
    def __init__(self, database: PgDatabase) -> None:
        self._db = database

    async def add(
        self,
        url: str,
        name: str,
        every_minutes: int,
        now: datetime,
        include: tuple[str, ...] = (),
        exclude: tuple[str, ...] = (),
    ) -> Feed:
        async with self._db.write() as connection:
            feed_id = await connection.fetchval(
                "INSERT INTO intake_feeds (url, name, every_minutes, include_words,"
                " exclude_words, next_poll, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                " ON CONFLICT (url) DO NOTHING RETURNING id",
                *intake_rows.new_feed_row(url, name, every_minutes, now, include, exclude),
            )
        if feed_id is None:
            raise intake_rows.duplicate_feed(url)
        return await self.get(str(feed_id))

    async def get(self, ref: str) -> Feed:
        feed_id = row_id(ref)
        if feed_id is not None:
            row = await self._db.fetchrow("SELECT * FROM intake_feeds WHERE id = $1", feed_id)
        elif "\x00" in ref:  # PostgreSQL text cannot hold it, so no URL has it
            row = None
        else:
            row = await self._db.fetchrow("SELECT * FROM intake_feeds WHERE url = $1", ref)
        if row is None:
            raise intake_rows.feed_not_found(ref)
        return intake_rows.feed_from_row(row)

    async def all(self) -> list[Feed]:
        return [intake_rows.feed_from_row(row) for row in await self._db.fetch(
            "SELECT * FROM intake_feeds ORDER BY id"
        )]  # fmt: skip

    async def due(self, now: datetime) -> list[Feed]:
        rows = await self._db.fetch(
            "SELECT * FROM intake_feeds WHERE paused = 0 AND next_poll <= $1 ORDER BY next_poll",
            now.isoformat(),
        )
        return [intake_rows.feed_from_row(row) for row in rows]

    async def remove(self, ref: str) -> Feed:
        feed = await self.get(ref)
        async with self._db.write() as connection:
            await connection.execute("DELETE FROM intake_feeds WHERE id = $1", feed.id)
        return feed

    async def set_paused(self, ref: str, paused: bool, reason: str | None, now: datetime) -> Feed:
        feed = await self.get(ref)
        async with self._db.write() as connection:
            await connection.execute(
                "UPDATE intake_feeds SET paused = $1, pause_reason = $2, failures = 0,"
                " next_poll = $3 WHERE id = $4",
                *intake_rows.paused_row(feed.id, paused, reason, now),
            )
        return await self.get(str(feed.id))

    async def record_unchanged(self, outcomes: list[FeedOutcome], now: datetime) -> None:
        if not outcomes:
            return
        async with self._db.write() as connection:
            await connection.executemany(
                "UPDATE intake_feeds SET etag = COALESCE($1, etag),"
                " last_modified = COALESCE($2, last_modified), last_success = $3,"
                " last_error = $4, failures = 0, next_poll = $5 WHERE id = $6",
                intake_rows.unchanged_rows(outcomes, now),
            )

    async def record_failure(
        self, feed_id: int, error: str, next_poll: datetime, pause_after: int
    ) -> None:
        async with self._db.write() as connection:
            await connection.execute(
                "UPDATE intake_feeds SET failures = failures + 1, last_error = $1,"
                " next_poll = $2,"
                " paused = CASE WHEN failures + 1 >= $3 THEN 1 ELSE paused END,"
                " pause_reason = CASE WHEN failures + 1 >= $3 THEN $4 ELSE pause_reason END"
                " WHERE id = $5",
                *intake_rows.failure_row(feed_id, error, next_poll, pause_after),
            )
