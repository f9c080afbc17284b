"""The schedule index on PostgreSQL: ``servers.next_run_utc`` (see :mod:`bot.storage.due_schedules`,
whose meaning, row reader and parking rule this shares)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Any

from bot.domain.servers import DueSchedule, ServerSchedule
from bot.domain.shards import ShardSpec
from bot.storage.codec import parse_stamp, stamp
from bot.storage.due_schedules import ACTIVE, COLUMNS, PARKED, NextRunChange
from bot.storage.postgres.database import PgDatabase


class PgDueScheduleQueries:
    """The scheduler's reads and writes of ``next_run_utc`` (mixed into the server store)."""

    _db: PgDatabase

    def _scope(self, first: int) -> tuple[str, list[Any]]:
        """An SQL condition limiting the rows this store sees, numbering from ``$first``."""
        return "TRUE", []

    def _server_schedule(self, row: Any) -> ServerSchedule | None:
        raise NotImplementedError

    def _where(self, shards: ShardSpec | None, first: int) -> tuple[str, list[Any]]:
        scope, params = self._scope(first)
        if shards is None:
            return scope, params
        at = first + len(params)
        # Discord's rule on the text id; a non-numeric id (a Slack team) is shard 0.
        # (numeric, not bigint: any digit string divides without overflowing.)
        owned = (
            f"(CASE WHEN server_id ~ '^[0-9]{{1,40}}$'"
            f" THEN (floor(server_id::numeric / 4194304) % ${at})::bigint ELSE 0 END)"
            f" = ANY(${at + 1}::bigint[])"
        )
        return f"{scope} AND {owned}", [*params, shards.count, sorted(shards.ids)]

    async def due_schedules(
        self,
        now: datetime,
        limit: int,
        shards: ShardSpec | None = None,
        not_before: datetime | None = None,
    ) -> list[DueSchedule]:
        rows: list[Any] = []
        if not_before is None:
            where, params = self._where(shards, 2)
            rows += await self._db.fetch(
                f"SELECT {COLUMNS} FROM servers WHERE next_run_utc IS NULL AND {ACTIVE}"
                f" AND {where} LIMIT $1",
                limit,
                *params,
            )
        where, params = self._where(shards, 4)
        rows += await self._db.fetch(
            f"SELECT {COLUMNS} FROM servers WHERE next_run_utc <= $2"
            " AND ($1::timestamptz IS NULL OR next_run_utc >= $1)"
            f" AND {where} ORDER BY next_run_utc LIMIT $3",
            stamp(not_before) if not_before else None,
            stamp(now),
            limit - len(rows),
            *params,
        )
        due, unusable = [], []
        for row in rows:
            server = self._server_schedule(row)
            if server is None:  # logged by the parser; parked as on SQLite
                unusable.append((PARKED, row["platform"], row["server_id"]))
            else:
                due.append(DueSchedule(server, parse_stamp(row["next_run_utc"])))
        if unusable:
            async with self._db.write() as connection:
                await connection.executemany(
                    "UPDATE servers SET next_run_utc = $1 WHERE platform = $2 AND server_id = $3",
                    unusable,
                )
            if not due:
                return await self.due_schedules(now, limit, shards, not_before)
        return due

    async def earliest_next_run(
        self, after: datetime, shards: ShardSpec | None = None
    ) -> datetime | None:
        where, params = self._where(shards, 2)
        value = await self._db.fetchval(
            f"SELECT min(next_run_utc) FROM servers WHERE next_run_utc > $1 AND {where}",
            stamp(after),
            *params,
        )
        return parse_stamp(value)

    async def next_run(self, platform: str, server_id: str) -> datetime | None:
        value = await self._db.fetchval(
            f"SELECT next_run_utc FROM servers WHERE platform = $1 AND server_id = $2 AND {ACTIVE}",
            platform,
            server_id,
        )
        return parse_stamp(value)

    async def advance_next_runs(self, changes: Iterable[NextRunChange]) -> None:
        params = [
            (stamp(new), platform, server_id, old and stamp(old))
            for platform, server_id, old, new in changes
        ]
        if not params:
            return
        async with self._db.write() as connection:
            await connection.executemany(
                "UPDATE servers SET next_run_utc = $1 WHERE platform = $2 AND server_id = $3"
                f" AND next_run_utc IS NOT DISTINCT FROM $4::timestamptz AND {ACTIVE}",
                params,
            )

    async def schedule_pages(
        self, size: int = 1000, due_by: datetime | None = None
    ) -> AsyncIterator[list[ServerSchedule]]:
        where, params = self._scope(5)
        due = "($4::timestamptz IS NULL OR next_run_utc IS NULL OR next_run_utc <= $4)"
        after = ("", "")
        while True:
            rows = await self._db.fetch(
                f"SELECT {COLUMNS} FROM servers WHERE (platform, server_id) > ($1, $2)"
                f" AND {ACTIVE} AND {due} AND {where} ORDER BY platform, server_id LIMIT $3",
                *after,
                size,
                stamp(due_by) if due_by else None,
                *params,
            )
            if not rows:
                return
            after = (rows[-1]["platform"], rows[-1]["server_id"])
            page = [s for row in rows if (s := self._server_schedule(row)) is not None]
            if page:
                yield page
