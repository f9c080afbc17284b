"""Feeds to poll and how each poll went (the only SQL for intake feeds)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.intake_records import DuplicateFeed, Feed, FeedNotFound, FeedOutcome
from bot.storage.database import Database

__all__ = ["DuplicateFeed", "Feed", "FeedNotFound", "FeedStore"]


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in text.split("\n") if w)


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _feed(row: aiosqlite.Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        name=row["name"],
        every_minutes=row["every_minutes"],
        include=_words(row["include_words"]),
        exclude=_words(row["exclude_words"]),
        paused=bool(row["paused"]),
        pause_reason=row["pause_reason"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_success=_when(row["last_success"]),
        last_error=row["last_error"],
        failures=row["failures"],
        items_seen=row["items_seen"],
        next_poll=datetime.fromisoformat(row["next_poll"]),
        body_hash=row["body_hash"],
    )


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
                (
                    url,
                    name,
                    every_minutes,
                    "\n".join(include),
                    "\n".join(exclude),
                    now.isoformat(),
                    now.isoformat(),
                ),
            )
            if cursor.rowcount == 0:
                raise DuplicateFeed(f"{url} is already followed")
            feed_id = cursor.lastrowid
        return await self.get(str(feed_id))

    async def get(self, ref: str) -> Feed:
        column = "id" if ref.isdigit() else "url"
        async with self._db.read.execute(
            f"SELECT * FROM intake_feeds WHERE {column} = ?", (int(ref) if ref.isdigit() else ref,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            raise FeedNotFound(f"no feed '{ref[:100]}' (see briefbot feeds list)")
        return _feed(row)

    async def all(self) -> list[Feed]:
        async with self._db.read.execute("SELECT * FROM intake_feeds ORDER BY id") as cursor:
            return [_feed(row) for row in await cursor.fetchall()]

    async def due(self, now: datetime) -> list[Feed]:
        async with self._db.read.execute(
            "SELECT * FROM intake_feeds WHERE paused = 0 AND next_poll <= ? ORDER BY next_poll",
            (now.isoformat(),),
        ) as cursor:
            return [_feed(row) for row in await cursor.fetchall()]

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
                (int(paused), reason if paused else None, now.isoformat(), feed.id),
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
                [
                    (o.etag, o.last_modified, now.isoformat(), o.problem,
                     o.next_poll.isoformat(), o.feed_id)
                    for o in outcomes
                ],
            )  # fmt: skip

    async def record_failure(
        self, feed_id: int, error: str, next_poll: datetime, pause_after: int
    ) -> None:
        """One more failure; after ``pause_after`` in a row the feed pauses, saying why."""
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE intake_feeds SET failures = failures + 1, last_error = ?, next_poll = ?,"
                " paused = CASE WHEN failures + 1 >= ? THEN 1 ELSE paused END,"
                " pause_reason = CASE WHEN failures + 1 >= ? THEN ? ELSE pause_reason END"
                " WHERE id = ?",
                (
                    error,
                    next_poll.isoformat(),
                    pause_after,
                    pause_after,
                    f"{pause_after} failures in a row; last: {error}",
                    feed_id,
                ),
            )
