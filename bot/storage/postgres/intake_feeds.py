"""Feeds to poll and how each poll went, on PostgreSQL (see :mod:`bot.storage.intake_feeds`,
whose row reader this shares; times are the same ISO text)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.intake_records import DuplicateFeed, Feed, FeedNotFound, FeedOutcome
from bot.storage.intake_feeds import _feed as feed_from_row
from bot.storage.postgres.database import PgDatabase

_MAX_ID = 2**63 - 1


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
                " exclude_words, next_poll, created_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
                " ON CONFLICT (url) DO NOTHING RETURNING id",
                url,
                name,
                every_minutes,
                "\n".join(include),
                "\n".join(exclude),
                now.isoformat(),
            )
        if feed_id is None:
            raise DuplicateFeed(f"{url} is already followed")
        return await self.get(str(feed_id))

    async def get(self, ref: str) -> Feed:
        if ref.isascii() and ref.isdigit() and int(ref) <= _MAX_ID:
            row = await self._db.fetchrow("SELECT * FROM intake_feeds WHERE id = $1", int(ref))
        elif "\x00" in ref:
            row = None
        else:
            row = await self._db.fetchrow("SELECT * FROM intake_feeds WHERE url = $1", ref)
        if row is None:
            raise FeedNotFound(f"no feed '{ref[:100]}' (see briefbot feeds list)")
        return feed_from_row(row)

    async def all(self) -> list[Feed]:
        return [feed_from_row(row) for row in await self._db.fetch(
            "SELECT * FROM intake_feeds ORDER BY id"
        )]  # fmt: skip

    async def due(self, now: datetime) -> list[Feed]:
        rows = await self._db.fetch(
            "SELECT * FROM intake_feeds WHERE paused = 0 AND next_poll <= $1 ORDER BY next_poll",
            now.isoformat(),
        )
        return [feed_from_row(row) for row in rows]

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
                int(paused),
                reason if paused else None,
                now.isoformat(),
                feed.id,
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
                [
                    (o.etag, o.last_modified, now.isoformat(), o.problem,
                     o.next_poll.isoformat(), o.feed_id)
                    for o in outcomes
                ],
            )  # fmt: skip

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
                error,
                next_poll.isoformat(),
                pause_after,
                f"{pause_after} failures in a row; last: {error}",
                feed_id,
            )
