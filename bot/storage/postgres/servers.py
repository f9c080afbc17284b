"""Per-server settings on PostgreSQL: digest schedules and editor roles (see
:mod:`bot.storage.servers`; rows are read and written through :mod:`bot.storage.server_rows`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.clock import Clock, SystemClock
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.servers import ServerSchedule, ServerSettings
from bot.storage import server_rows
from bot.storage.codec import stamp
from bot.storage.postgres.database import PgDatabase, affected
from bot.storage.postgres.due_schedules import PgDueScheduleQueries
from bot.storage.server_rows import ACTIVE, COLUMNS, RoleChange


class PgServerStore(PgDueScheduleQueries):
    """Every query about server settings; the one place their PostgreSQL lives (``platforms``
    scopes the schedule reads as on SQLite)."""

    def __init__(
        self,
        database: PgDatabase,
        clock: Clock | None = None,
        platforms: Iterable[str] | None = None,
    ) -> None:
        self._db = database
        self._clock = clock or SystemClock()
        self._platforms = frozenset(platforms) if platforms is not None else None

    async def get(self, platform: str, server_id: str) -> ServerSettings | None:
        row = await self._db.fetchrow(
            f"SELECT {COLUMNS} FROM servers WHERE platform = $1 AND server_id = $2",
            platform,
            server_id,
        )
        return server_rows.settings_from_row(row) if row is not None else None

    async def get_schedule(self, platform: str, server_id: str) -> ServerSchedule | None:
        if not server_rows.in_scope(self._platforms, platform):
            return None
        return server_rows.schedule_of(await self.get(platform, server_id))

    async def set_schedule(
        self, platform: str, server_id: str, schedule: DigestSchedule, now: datetime | None = None
    ) -> ServerSchedule:
        """Create or replace the schedule in one statement (atomic)."""
        now = now or self._clock.now()
        async with self._db.write() as connection:
            await connection.execute(
                "INSERT INTO servers (platform, server_id, digest_channel_id, digest_time,"
                " timezone, topics, quiet_days, updated_at, digest_since, next_run_utc)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                " ON CONFLICT (platform, server_id) DO UPDATE SET"
                " digest_channel_id = excluded.digest_channel_id,"
                " digest_time = excluded.digest_time, timezone = excluded.timezone,"
                " topics = excluded.topics, quiet_days = excluded.quiet_days,"
                " updated_at = excluded.updated_at, digest_since = excluded.digest_since,"
                " next_run_utc = excluded.next_run_utc",
                *server_rows.schedule_values(platform, server_id, schedule, now),
            )
        return ServerSchedule(platform, server_id, schedule, now)

    async def disable_schedule(
        self, platform: str, server_id: str, now: datetime | None = None
    ) -> bool:
        async with self._db.write() as connection:
            status = await connection.execute(
                "UPDATE servers SET digest_channel_id = NULL, digest_time = NULL,"
                " timezone = NULL, digest_since = NULL, next_run_utc = NULL, updated_at = $1"
                " WHERE platform = $2 AND server_id = $3 AND digest_time IS NOT NULL",
                stamp(now or self._clock.now()),
                platform,
                server_id,
            )
        return affected(status) > 0

    async def active_schedules(self) -> list[ServerSchedule]:
        where, params = self._scope(1)
        rows = await self._db.fetch(
            f"SELECT {COLUMNS} FROM servers WHERE {ACTIVE} AND {where}"
            " ORDER BY platform, server_id",
            *params,
        )
        return server_rows.schedules_from_rows(rows)

    async def editor_role_ids(self, platform: str, server_id: str) -> list[str]:
        value = await self._db.fetchval(
            "SELECT editor_role_ids FROM servers WHERE platform = $1 AND server_id = $2",
            platform,
            server_id,
        )
        return list(server_rows.roles_from_json(value))

    async def add_editor_role(
        self, platform: str, server_id: str, role_id: str, now: datetime | None = None
    ) -> tuple[str, ...]:
        return await self._change_roles(platform, server_id, now, server_rows.adding_role(role_id))

    async def remove_editor_role(
        self, platform: str, server_id: str, role_id: str, now: datetime | None = None
    ) -> tuple[str, ...]:
        change = server_rows.removing_role(role_id)
        return await self._change_roles(platform, server_id, now, change)

    async def _change_roles(
        self, platform: str, server_id: str, now: datetime | None, change: RoleChange
    ) -> tuple[str, ...]:
        # The server's row may not exist yet (nothing to lock with FOR UPDATE): an advisory
        # lock per server makes two editors' read-modify-writes take turns in any process.
        async with self._db.write(lock=f"servers:{platform}:{server_id}") as connection:
            value = await connection.fetchval(
                "SELECT editor_role_ids FROM servers WHERE platform = $1 AND server_id = $2",
                platform,
                server_id,
            )
            current = server_rows.roles_from_json(value)
            updated = change(current)
            if updated != current:
                stamped = now or self._clock.now()
                await connection.execute(
                    "INSERT INTO servers (platform, server_id, editor_role_ids, updated_at)"
                    " VALUES ($1, $2, $3, $4) ON CONFLICT (platform, server_id) DO UPDATE SET"
                    " editor_role_ids = excluded.editor_role_ids,"
                    " updated_at = excluded.updated_at",
                    *server_rows.roles_values(platform, server_id, updated, stamped),
                )
        return updated
