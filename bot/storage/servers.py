"""Per-server settings: the digest schedule and the editor roles, keyed by (platform, server).

Rows are read and written through :mod:`bot.storage.server_rows` (shared with PostgreSQL);
this module holds the SQLite statements and transactions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.clock import Clock, SystemClock
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.servers import ServerSchedule, ServerSettings
from bot.storage import server_rows
from bot.storage.codec import stamp
from bot.storage.database import Database
from bot.storage.due_schedules import DueScheduleQueries
from bot.storage.server_rows import ACTIVE, COLUMNS, RoleChange


class ServerStore(DueScheduleQueries):
    """Every query about server settings; the one place their SQL lives.

    With ``platforms``, its *schedule* reads see only those platforms' servers (a deployment
    running only some platforms must not claim, and then fail, the others' digests).
    """

    def __init__(
        self,
        database: Database,
        clock: Clock | None = None,
        platforms: Iterable[str] | None = None,
    ) -> None:
        self._db = database
        # Writes stamp updated_at with an explicit ``now`` when given, else this clock's.
        self._clock = clock or SystemClock()
        self._platforms = frozenset(platforms) if platforms is not None else None

    async def get(self, platform: str, server_id: str) -> ServerSettings | None:
        """The server's settings, or None if it never configured anything."""
        rows = await self._db.read.execute_fetchall(
            f"SELECT {COLUMNS} FROM servers WHERE platform = ? AND server_id = ?",
            (platform, server_id),
        )
        found = list(rows)
        return server_rows.settings_from_row(found[0]) if found else None

    async def get_schedule(self, platform: str, server_id: str) -> ServerSchedule | None:
        """The server's active digest schedule, or None (also outside this store's scope)."""
        if not server_rows.in_scope(self._platforms, platform):
            return None
        return server_rows.schedule_of(await self.get(platform, server_id))

    async def set_schedule(
        self, platform: str, server_id: str, schedule: DigestSchedule, now: datetime | None = None
    ) -> ServerSchedule:
        """Create or replace the server's digest schedule in one statement (atomic).

        Its next run is written with it, so the scheduler never sees one without the other.
        """
        now = now or self._clock.now()
        async with self._db.write() as connection:
            await connection.execute(
                "INSERT INTO servers (platform, server_id, digest_channel_id, digest_time,"
                " timezone, topics, quiet_days, updated_at, digest_since, next_run_utc)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (platform, server_id) DO UPDATE SET"
                " digest_channel_id = excluded.digest_channel_id,"
                " digest_time = excluded.digest_time, timezone = excluded.timezone,"
                " topics = excluded.topics, quiet_days = excluded.quiet_days,"
                " updated_at = excluded.updated_at, digest_since = excluded.digest_since,"
                " next_run_utc = excluded.next_run_utc",
                server_rows.schedule_values(platform, server_id, schedule, now),
            )
        return ServerSchedule(platform, server_id, schedule, now)

    async def disable_schedule(
        self, platform: str, server_id: str, now: datetime | None = None
    ) -> bool:
        """Turn the digest off (topics and editor roles are kept); False if it was not on."""
        async with self._db.write() as connection:
            cursor = await connection.execute(
                "UPDATE servers SET digest_channel_id = NULL, digest_time = NULL,"
                " timezone = NULL, digest_since = NULL, next_run_utc = NULL, updated_at = ?"
                " WHERE platform = ? AND server_id = ? AND digest_time IS NOT NULL",
                (stamp(now or self._clock.now()), platform, server_id),
            )
            return cursor.rowcount > 0

    async def active_schedules(self) -> list[ServerSchedule]:
        """Every server with a digest schedule (in this store's scope), in one query."""
        where, params = self._scope()
        rows = await self._db.read.execute_fetchall(
            f"SELECT {COLUMNS} FROM servers WHERE {ACTIVE} AND {where}"
            " ORDER BY platform, server_id",
            params,
        )
        return server_rows.schedules_from_rows(rows)

    # -- editor roles ---------------------------------------------------------------------

    async def editor_role_ids(self, platform: str, server_id: str) -> list[str]:
        """The role ids whose members may edit entries and digests in this server."""
        return list(await self._roles(self._db.read, platform, server_id))

    async def add_editor_role(
        self, platform: str, server_id: str, role_id: str, now: datetime | None = None
    ) -> tuple[str, ...]:
        """Add an editor role (no-op if present); returns the roles afterwards."""
        return await self._change_roles(platform, server_id, now, server_rows.adding_role(role_id))

    async def remove_editor_role(
        self, platform: str, server_id: str, role_id: str, now: datetime | None = None
    ) -> tuple[str, ...]:
        """Remove an editor role (no-op if absent); returns the roles afterwards."""
        change = server_rows.removing_role(role_id)
        return await self._change_roles(platform, server_id, now, change)

    async def _change_roles(
        self, platform: str, server_id: str, now: datetime | None, change: RoleChange
    ) -> tuple[str, ...]:
        # Read and write in the same BEGIN IMMEDIATE transaction: two editors changing roles
        # at once cannot lose each other's change.
        async with self._db.write() as connection:
            current = await self._roles(connection, platform, server_id)
            updated = change(current)
            if updated != current:
                stamped = now or self._clock.now()
                await connection.execute(
                    "INSERT INTO servers (platform, server_id, editor_role_ids, updated_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (platform, server_id) DO UPDATE SET"
                    " editor_role_ids = excluded.editor_role_ids,"
                    " updated_at = excluded.updated_at",
                    server_rows.roles_values(platform, server_id, updated, stamped),
                )
        return updated

    @staticmethod
    async def _roles(
        connection: aiosqlite.Connection, platform: str, server_id: str
    ) -> tuple[str, ...]:
        rows = list(
            await connection.execute_fetchall(
                "SELECT editor_role_ids FROM servers WHERE platform = ? AND server_id = ?",
                (platform, server_id),
            )
        )
        return server_rows.roles_from_json(rows[0][0] if rows else None)
