"""Feeds to poll and how each poll went (the only SQL for intake feeds)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.intake_records import DuplicateFeed, Feed, FeedNotFound, FeedOutcome
from bot.storage.database import Database
from bot.storage.intake_rows import (
    duplicate_feed,
    failure_row,
    feed_from_row,
    feed_not_found,
    new_feed_row,
    paused_row,
    unchanged_rows,
)
from bot.storage.refs import row_id

__all__ = ["DuplicateFeed", "Feed", "FeedNotFound", "FeedStore"]


class FeedStore:
    def __init__(self, database: Database) -> None:
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
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "INSERT INTO intake_feeds (url, name, every_minutes, include_words, exclude_words,"
                " next_poll, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (url) DO NOTHING",
                new_feed_row(url, name, every_minutes, now, include, exclude),
            )
            if cursor.rowcount == 0:
                raise duplicate_feed(url)
            feed_id = cursor.lastrowid
        return await self.get(str(feed_id))

    async def get(self, ref: str) -> Feed:
        feed_id = row_id(ref)
        column = "url" if feed_id is None else "id"
        async with self._db.read.execute(
            f"SELECT * FROM intake_feeds WHERE {column} = ?", (ref if feed_id is None else feed_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            raise feed_not_found(ref)
        return feed_from_row(row)

    async def all(self) -> list[Feed]:
        async with self._db.read.execute("SELECT * FROM intake_feeds ORDER BY id") as cursor:
            return [feed_from_row(row) for row in await cursor.fetchall()]

    async def due(self, now: datetime) -> list[Feed]:
        async with self._db.read.execute(
            "SELECT * FROM intake_feeds WHERE paused = 0 AND next_poll <= ? ORDER BY next_poll",
            (now.isoformat(),),
        ) as cursor:
            return [feed_from_row(row) for row in await cursor.fetchall()]

    async def remove(self, ref: str) -> Feed:
        feed = await self.get(ref)
        async with self._db.write() as conn:
            await conn.execute("DELETE FROM intake_feeds WHERE id = ?", (feed.id,))
        return feed

    async def set_paused(self, ref: str, paused: bool, reason: str | None, now: datetime) -> Feed:
        feed = await self.get(ref)
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE intake_feeds SET paused = ?, pause_reason = ?, failures = 0,"
                " next_poll = ? WHERE id = ?",
                paused_row(feed.id, paused, reason, now),
            )
        return await self.get(str(feed.id))

    async def record_unchanged(self, outcomes: list[FeedOutcome], now: datetime) -> None:
        """Feeds polled with nothing new (304, or the same bytes): one transaction for all."""
        if not outcomes:
            return
        async with self._db.write() as conn:
            await conn.executemany(
                "UPDATE intake_feeds SET etag = COALESCE(?, etag),"
                " last_modified = COALESCE(?, last_modified), last_success = ?,"
                " last_error = ?, failures = 0, next_poll = ? WHERE id = ?",
                unchanged_rows(outcomes, now),
            )

    async def record_failure(
        self, feed_id: int, error: str, next_poll: datetime, pause_after: int
    ) -> None:
        """One more failure; after ``pause_after`` in a row the feed pauses, saying why."""
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE intake_feeds SET failures = failures + 1, last_error = ?1,"
                " next_poll = ?2, paused = CASE WHEN failures + 1 >= ?3 THEN 1 ELSE paused END,"
                " pause_reason = CASE WHEN failures + 1 >= ?3 THEN ?4 ELSE pause_reason END"
                " WHERE id = ?5",
                failure_row(feed_id, error, next_poll, pause_after),
            )
