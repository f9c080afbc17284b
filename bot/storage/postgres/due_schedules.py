"""The schedule index on PostgreSQL: ``servers.next_run_utc`` (see :mod:`bot.storage.due_schedules`,
whose meaning this shares; the row reading and parking rule are :mod:`bot.storage.server_rows`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.domain.servers import DueSchedule, ServerSchedule
from bot.domain.shards import ShardSpec
from bot.storage import server_rows
from bot.storage.codec import parse_stamp, stamp
from bot.storage.postgres.database import PgDatabase
from bot.storage.server_rows import ACTIVE, COLUMNS, NextRunChange


class PgDueScheduleQueries:
    """The scheduler's reads and writes of ``next_run_utc`` (mixed into the server store)."""

    _db: PgDatabase
    _platforms: frozenset[str] | None

    def _scope(self, first: int) -> tuple[str, list[Any]]:
        """An SQL condition limiting the rows this store sees (its platforms, or all),
        numbering from ``$first``."""
        if self._platforms is None:
            return "TRUE", []
        return f"platform = ANY(${first}::text[])", [sorted(self._platforms)]

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
        async def fetch() -> list[Any]:
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
            return rows

        return await server_rows.collect_due(fetch, self._park)

    async def _park(self, parked: list[tuple[str, str, str]]) -> None:
        await self._update_many(
            "UPDATE servers SET next_run_utc = $1 WHERE platform = $2 AND server_id = $3", parked
        )

    async def _update_many(self, sql: str, values: Sequence[tuple[Any, ...]]) -> None:
        """One statement over many rows, in one transaction (none if there are none)."""
        if values:
            async with self._db.write() as connection:
                await connection.executemany(sql, values)

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
        await self._update_many(
            "UPDATE servers SET next_run_utc = $1 WHERE platform = $2 AND server_id = $3"
            f" AND next_run_utc IS NOT DISTINCT FROM $4::timestamptz AND {ACTIVE}",
            server_rows.next_run_values(changes),
        )

    def schedule_pages(
        self, size: int = 1000, due_by: datetime | None = None
    ) -> AsyncIterator[list[ServerSchedule]]:
        where, params = self._scope(5)
        due = "($4::timestamptz IS NULL OR next_run_utc IS NULL OR next_run_utc <= $4)"

        async def page_after(after: tuple[str, str]) -> list[Any]:
            return list(
                await self._db.fetch(
                    f"SELECT {COLUMNS} FROM servers WHERE (platform, server_id) > ($1, $2)"
                    f" AND {ACTIVE} AND {due} AND {where} ORDER BY platform, server_id LIMIT $3",
                    *after,
                    size,
                    stamp(due_by) if due_by else None,
                    *params,
                )
            )

        return server_rows.schedule_pages(page_after)
