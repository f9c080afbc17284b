"""The schedule index: each server's next due instant in ``servers.next_run_utc``.

One scheduler loop reads the earliest due rows through the index (migration 0010) instead of
keeping one in-memory job per server, so start-up reads nothing per server and memory does
not grow with the number of servers. Every query takes the store's scope (its platforms) and
an optional :class:`~bot.domain.shards.ShardSpec`, applied in SQL: a row another process owns
is never read, so it can never keep this one's loop busy.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Any

from bot.domain.servers import DueSchedule, ServerSchedule
from bot.domain.shards import ShardSpec
from bot.storage.codec import parse_stamp, stamp
from bot.storage.database import Database

COLUMNS = (
    "platform, server_id, digest_channel_id, digest_time, timezone, topics, quiet_days,"
    " editor_role_ids, updated_at, digest_since, next_run_utc"
)
ACTIVE = "digest_channel_id IS NOT NULL AND digest_time IS NOT NULL AND timezone IS NOT NULL"

NextRunChange = tuple[str, str, datetime | None, datetime]  # platform, server, old, new
# Where a schedule the system can no longer read (its zone left tzdata) is parked, so it can
# never fill the due window ahead of good ones; ``/digest setup`` writes a real one again.
PARKED = "9999-12-31T00:00:00.000000+00:00"


class DueScheduleQueries:
    """The scheduler's reads and writes of ``next_run_utc`` (mixed into the server store)."""

    _db: Database

    def _scope(self) -> tuple[str, tuple[Any, ...]]:
        """An SQL condition limiting the rows this store sees (all, here)."""
        return "1", ()

    def _server_schedule(self, row: Any) -> ServerSchedule | None:
        raise NotImplementedError

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
                    "UPDATE servers SET next_run_utc = ? WHERE platform = ? AND server_id = ?",
                    unusable,
                )
            if not due:  # the window held only those: look behind them
                return await self.due_schedules(now, limit, shards, not_before)
        return due

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
        params = [
            (stamp(new), platform, server_id, old and stamp(old))
            for platform, server_id, old, new in changes
        ]
        if not params:
            return
        async with self._db.write() as connection:
            await connection.executemany(
                "UPDATE servers SET next_run_utc = ? WHERE platform = ? AND server_id = ?"
                f" AND next_run_utc IS ? AND {ACTIVE}",
                params,
            )

    async def schedule_pages(
        self, size: int = 1000, due_by: datetime | None = None
    ) -> AsyncIterator[list[ServerSchedule]]:
        """Every active schedule, ``size`` at a time (catch-up without holding them all);
        with ``due_by``, only those whose next run is not after it (or was never computed)."""
        where, params = self._scope()
        if due_by is not None:
            where = f"{where} AND (next_run_utc IS NULL OR next_run_utc <= ?)"
            params = (*params, stamp(due_by))
        after = ("", "")
        while True:
            rows = list(
                await self._db.read.execute_fetchall(
                    f"SELECT {COLUMNS} FROM servers WHERE (platform, server_id) > (?, ?)"
                    f" AND {ACTIVE} AND {where} ORDER BY platform, server_id LIMIT ?",
                    (*after, *params, size),
                )
            )
            if not rows:
                return
            after = (rows[-1]["platform"], rows[-1]["server_id"])
            page = [s for row in rows if (s := self._server_schedule(row)) is not None]
            if page:
                yield page
