"""The schedule index on PostgreSQL: each server's next due instant in ``servers.next_run_utc``
(see :mod:`bot.storage.due_schedules`, whose queries these mirror).

The store's scope (its platforms) and the process's :class:`~bot.domain.shards.ShardSpec` are
applied in SQL, so a row another process owns is never read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Any

from bot.domain.servers import DueSchedule, ServerSchedule
from bot.domain.shards import ShardSpec
from bot.storage.codec import parse_stamp, stamp
from bot.storage.due_schedules import ACTIVE, COLUMNS, PARKED, NextRunChange
from bot.storage.postgres.database import PgDatabase, Record

Where = tuple[str, tuple[Any, ...]]  # a condition with $n placeholders from a given number


def shard_condition(shards: ShardSpec, first: int) -> Where:
    """Discord's rule in PostgreSQL; an id that is not a number (a Slack team) is shard 0."""
    marks = ", ".join(f"${first + 1 + n}" for n in range(len(shards.ids)))
    return (
        "(CASE WHEN server_id ~ '^[0-9]{1,18}$'"
        f" THEN (server_id::bigint >> 22) % ${first} ELSE 0 END) IN ({marks})",
        (shards.count, *sorted(shards.ids)),
    )


class PgDueScheduleQueries:
    """The scheduler's reads and writes of ``next_run_utc`` (mixed into the server store)."""

    _db: PgDatabase

    def _scope(self, first: int) -> Where:
        """A condition limiting the rows this store sees (all, here), placeholders from
        ``$first``."""
        return "TRUE", ()

    def _server_schedule(self, row: Record) -> ServerSchedule | None:
        raise NotImplementedError

    def _where(self, shards: ShardSpec | None, first: int) -> Where:
        scope, params = self._scope(first)
        if shards is None:
            return scope, params
        owned, owned_params = shard_condition(shards, first + len(params))
        return f"{scope} AND {owned}", (*params, *owned_params)

    async def due_schedules(
        self,
        now: datetime,
        limit: int,
        shards: ShardSpec | None = None,
        not_before: datetime | None = None,
    ) -> list[DueSchedule]:
        """Active schedules due at or before ``now`` (earliest first), and those never computed;
        with ``not_before``, only those due from then on."""
        rows: list[Record] = []
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
            f"SELECT {COLUMNS} FROM servers WHERE next_run_utc BETWEEN $1 AND $2 AND {where}"
            " ORDER BY next_run_utc LIMIT $3",
            stamp(not_before) if not_before else "-infinity",
            stamp(now),
            limit - len(rows),
            *params,
        )
        due, unusable = [], []
        for row in rows:
            server = self._server_schedule(row)
            if server is None:  # logged by the parser
                unusable.append((PARKED, row["platform"], row["server_id"]))
            else:
                due.append(DueSchedule(server, parse_stamp(row["next_run_utc"])))
        if unusable:
            async with self._db.write() as connection:
                await connection.executemany(
                    "UPDATE servers SET next_run_utc = $1 WHERE platform = $2 AND server_id = $3",
                    unusable,
                )
            if not due:  # the window held only those: look behind them
                return await self.due_schedules(now, limit, shards, not_before)
        return due

    async def earliest_next_run(
        self, after: datetime, shards: ShardSpec | None = None
    ) -> datetime | None:
        """The first due instant strictly after ``after`` (what the loop sleeps until)."""
        where, params = self._where(shards, 2)
        value = await self._db.fetchval(
            f"SELECT min(next_run_utc) FROM servers WHERE next_run_utc > $1 AND {where}",
            stamp(after),
            *params,
        )
        return parse_stamp(value) if value is not None else None

    async def next_run(self, platform: str, server_id: str) -> datetime | None:
        """When the server's next digest is due, or None if it has none."""
        value = await self._db.fetchval(
            f"SELECT next_run_utc FROM servers WHERE platform = $1 AND server_id = $2 AND {ACTIVE}",
            platform,
            server_id,
        )
        return parse_stamp(value) if value is not None else None

    async def advance_next_runs(self, changes: Iterable[NextRunChange]) -> None:
        """Move each server's next run from ``old`` to ``new``, in one transaction, only where
        it still reads ``old`` (a ``/digest setup`` or ``off`` meanwhile must stand)."""
        params = [
            (stamp(new), platform, server_id, old and stamp(old))
            for platform, server_id, old, new in changes
        ]
        if not params:
            return
        async with self._db.write() as connection:
            await connection.executemany(
                "UPDATE servers SET next_run_utc = $1 WHERE platform = $2 AND server_id = $3"
                f" AND next_run_utc IS NOT DISTINCT FROM $4 AND {ACTIVE}",
                params,
            )

    async def schedule_pages(
        self, size: int = 1000, due_by: datetime | None = None
    ) -> AsyncIterator[list[ServerSchedule]]:
        """Every active schedule, ``size`` at a time (catch-up without holding them all);
        with ``due_by``, only those whose next run is not after it (or was never computed)."""
        where, params = self._scope(4)
        if due_by is not None:
            where = f"{where} AND (next_run_utc IS NULL OR next_run_utc <= ${4 + len(params)})"
            params = (*params, stamp(due_by))
        after = ("", "")
        while True:
            rows = await self._db.fetch(
                f"SELECT {COLUMNS} FROM servers WHERE (platform, server_id) > ($1, $2)"
                f" AND {ACTIVE} AND {where} ORDER BY platform, server_id LIMIT $3",
                *after,
                size,
                *params,
            )
            if not rows:
                return
            after = (rows[-1]["platform"], rows[-1]["server_id"])
            page = [s for row in rows if (s := self._server_schedule(row)) is not None]
            if page:
                yield page
