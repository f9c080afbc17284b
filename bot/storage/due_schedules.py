"""The schedule index: each server's next due instant in ``servers.next_run_utc``.

One scheduler loop reads the earliest due rows through the index (migration 0010) instead of
keeping one in-memory job per server, so start-up reads nothing per server and memory does
not grow with the number of servers. Every query takes the store's scope (its platforms) and
an optional :class:`~bot.domain.shards.ShardSpec`, applied in SQL: a row another process owns
is never read, so it can never keep this one's loop busy.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.domain.servers import DueSchedule, ServerSchedule
from bot.domain.shards import ShardSpec
from bot.storage import server_rows
from bot.storage.codec import parse_stamp, stamp
from bot.storage.database import Database
from bot.storage.server_rows import ACTIVE, COLUMNS, NextRunChange


class DueScheduleQueries:
    """The scheduler's reads and writes of ``next_run_utc`` (mixed into the server store)."""

    _db: Database
    _platforms: frozenset[str] | None

    def _scope(self) -> tuple[str, tuple[Any, ...]]:
        """An SQL condition limiting the rows this store sees (its platforms, or all)."""
        if self._platforms is None:
            return "1", ()
        marks = ", ".join("?" for _ in self._platforms)
        return f"platform IN ({marks})", tuple(sorted(self._platforms))

    def _where(self, shards: ShardSpec | None) -> tuple[str, tuple[Any, ...]]:
        scope, params = self._scope()
        if shards is None:
            return scope, params
        # A non-numeric id (a Slack team) casts to 0: shard 0, as ``shard_of`` says.
        marks = ", ".join("?" for _ in shards.ids)
        owned = f"((CAST(server_id AS INTEGER) >> 22) % ?) IN ({marks})"
        return f"{scope} AND {owned}", (*params, shards.count, *sorted(shards.ids))

    async def due_schedules(
        self,
        now: datetime,
        limit: int,
        shards: ShardSpec | None = None,
        not_before: datetime | None = None,
    ) -> list[DueSchedule]:
        """Active schedules due at or before ``now`` (earliest first), and those never computed;
        with ``not_before``, only those due from then on."""

        async def fetch() -> list[Any]:
            where, params = self._where(shards)
            rows: list[Any] = []
            if not_before is None:
                rows += await self._db.read.execute_fetchall(
                    f"SELECT {COLUMNS} FROM servers WHERE next_run_utc IS NULL AND {ACTIVE}"
                    f" AND {where} LIMIT ?",
                    (*params, limit),
                )
            rows += await self._db.read.execute_fetchall(
                f"SELECT {COLUMNS} FROM servers INDEXED BY servers_next_run"
                f" WHERE next_run_utc BETWEEN ? AND ? AND {where} ORDER BY next_run_utc LIMIT ?",
                (stamp(not_before) if not_before else "", stamp(now), *params, limit - len(rows)),
            )
            return rows

        return await server_rows.collect_due(fetch, self._park)

    async def _park(self, parked: list[tuple[str, str, str]]) -> None:
        await self._update_many(
            "UPDATE servers SET next_run_utc = ? WHERE platform = ? AND server_id = ?", parked
        )

    async def _update_many(self, sql: str, values: Sequence[tuple[Any, ...]]) -> None:
        """One statement over many rows, in one transaction (none if there are none)."""
        if values:
            async with self._db.write() as connection:
                await connection.executemany(sql, values)

    async def earliest_next_run(
        self, after: datetime, shards: ShardSpec | None = None
    ) -> datetime | None:
        """The first due instant strictly after ``after`` (what the loop sleeps until)."""
        where, params = self._where(shards)
        rows = list(
            await self._db.read.execute_fetchall(
                "SELECT next_run_utc FROM servers INDEXED BY servers_next_run"
                f" WHERE next_run_utc > ? AND {where} ORDER BY next_run_utc LIMIT 1",
                (stamp(after), *params),
            )
        )
        return parse_stamp(rows[0][0]) if rows else None

    async def next_run(self, platform: str, server_id: str) -> datetime | None:
        """When the server's next digest is due, or None if it has none."""
        rows = list(
            await self._db.read.execute_fetchall(
                "SELECT next_run_utc FROM servers WHERE platform = ? AND server_id = ?"
                f" AND {ACTIVE}",
                (platform, server_id),
            )
        )
        return parse_stamp(rows[0][0]) if rows else None

    async def advance_next_runs(self, changes: Iterable[NextRunChange]) -> None:
        """Move each server's next run from ``old`` to ``new``, in one transaction.

        Only where it still reads ``old``: a ``/digest setup`` or ``off`` that landed
        meanwhile wrote the schedule's own next run, which must stand.
        """
        await self._update_many(
            "UPDATE servers SET next_run_utc = ? WHERE platform = ? AND server_id = ?"
            f" AND next_run_utc IS ? AND {ACTIVE}",
            server_rows.next_run_values(changes),
        )

    def schedule_pages(
        self, size: int = 1000, due_by: datetime | None = None
    ) -> AsyncIterator[list[ServerSchedule]]:
        """Every active schedule, ``size`` at a time (catch-up without holding them all);
        with ``due_by``, only those whose next run is not after it (or was never computed)."""
        where, params = self._scope()
        if due_by is not None:
            where = f"{where} AND (next_run_utc IS NULL OR next_run_utc <= ?)"
            params = (*params, stamp(due_by))

        async def page_after(after: tuple[str, str]) -> list[Any]:
            return list(
                await self._db.read.execute_fetchall(
                    f"SELECT {COLUMNS} FROM servers WHERE (platform, server_id) > (?, ?)"
                    f" AND {ACTIVE} AND {where} ORDER BY platform, server_id LIMIT ?",
                    (*after, *params, size),
                )
            )

        return server_rows.schedule_pages(page_after)
