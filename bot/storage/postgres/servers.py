"""Per-server settings on PostgreSQL: digest schedules and editor roles (see
:mod:`bot.storage.servers`, whose row readers this shares)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.clock import Clock, SystemClock
from bot.domain.digest_schedule import DigestSchedule, next_run
from bot.domain.servers import ServerSchedule, ServerSettings
from bot.storage.codec import parse_stamp, stamp
from bot.storage.postgres.database import PgDatabase, affected
from bot.storage.postgres.due_schedules import PgDueScheduleQueries
from bot.storage.servers import _schedule as schedule_from_row
from bot.storage.servers import _settings as settings_from_row

_COLUMNS = (
    "platform, server_id, digest_channel_id, digest_time, timezone, topics, quiet_days,"
    " editor_role_ids, updated_at, digest_since"
)


class PgServerStore(PgDueScheduleQueries):
    """Every query about server settings; the one place their PostgreSQL lives."""

    def __init__(self, database: PgDatabase, clock: Clock | None = None) -> None:
        self._db = database
        self._clock = clock or SystemClock()

    async def get(self, platform: str, server_id: str) -> ServerSettings | None:
        row = await self._db.fetchrow(
            f"SELECT {_COLUMNS} FROM servers WHERE platform = $1 AND server_id = $2",
            platform,
            server_id,
        )
        return settings_from_row(row) if row is not None else None

    async def get_schedule(self, platform: str, server_id: str) -> ServerSchedule | None:
        settings = await self.get(platform, server_id)
        if settings is None or settings.schedule is None:
            return None
        return ServerSchedule(platform, server_id, settings.schedule, settings.schedule_since)

    async def set_schedule(
        self, platform: str, server_id: str, schedule: DigestSchedule, now: datetime | None = None
    ) -> ServerSchedule:
        """Create or replace the schedule in one statement (atomic)."""
        now = now or self._clock.now()
        async with self._db.write() as connection:
            await connection.execute(
                "INSERT INTO servers (platform, server_id, digest_channel_id, digest_time,"
                " timezone, topics, quiet_days, updated_at, digest_since, next_run_utc)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)"
                " ON CONFLICT (platform, server_id) DO UPDATE SET"
                " digest_channel_id = excluded.digest_channel_id,"
                " digest_time = excluded.digest_time, timezone = excluded.timezone,"
                " topics = excluded.topics, quiet_days = excluded.quiet_days,"
                " updated_at = excluded.updated_at, digest_since = excluded.digest_since,"
                " next_run_utc = excluded.next_run_utc",
                platform,
                server_id,
                schedule.channel_id,
                schedule.time_text,
                schedule.timezone,
                json.dumps(list(schedule.topics)),
                schedule.quiet_days.value,
                stamp(now),
                stamp(next_run(schedule, now)),
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
        rows = await self._db.fetch(
            f"SELECT {_COLUMNS} FROM servers WHERE digest_channel_id IS NOT NULL"
            " AND digest_time IS NOT NULL AND timezone IS NOT NULL"
            " ORDER BY platform, server_id"
        )
        return [s for row in rows if (s := self._server_schedule(row)) is not None]

    def _server_schedule(self, row: Any) -> ServerSchedule | None:
        schedule = schedule_from_row(row)
        if schedule is None:
            return None
        since = parse_stamp(row["digest_since"])
        return ServerSchedule(row["platform"], row["server_id"], schedule, since)

    async def editor_role_ids(self, platform: str, server_id: str) -> list[str]:
        value = await self._db.fetchval(
            "SELECT editor_role_ids FROM servers WHERE platform = $1 AND server_id = $2",
            platform,
            server_id,
        )
        return [str(role) for role in json.loads(value)] if value is not None else []

    async def add_editor_role(
        self, platform: str, server_id: str, role_id: str, now: datetime | None = None
    ) -> tuple[str, ...]:
        return await self._change_roles(
            platform,
            server_id,
            now,
            lambda roles: (*roles, role_id) if role_id not in roles else roles,
        )

    async def remove_editor_role(
        self, platform: str, server_id: str, role_id: str, now: datetime | None = None
    ) -> tuple[str, ...]:
        return await self._change_roles(
            platform, server_id, now, lambda roles: tuple(r for r in roles if r != role_id)
        )

    async def _change_roles(
        self,
        platform: str,
        server_id: str,
        now: datetime | None,
        change: Callable[[tuple[str, ...]], tuple[str, ...]],
    ) -> tuple[str, ...]:
        # The server's row may not exist yet (nothing to lock with FOR UPDATE): an advisory
        # lock per server makes two editors' read-modify-writes take turns in any process.
        async with self._db.write(lock=f"servers:{platform}:{server_id}") as connection:
            value = await connection.fetchval(
                "SELECT editor_role_ids FROM servers WHERE platform = $1 AND server_id = $2",
                platform,
                server_id,
            )
            current = tuple(json.loads(value)) if value is not None else ()
            updated = change(current)
            if updated != current:
                await connection.execute(
                    "INSERT INTO servers (platform, server_id, editor_role_ids, updated_at)"
                    " VALUES ($1, $2, $3, $4) ON CONFLICT (platform, server_id) DO UPDATE SET"
                    " editor_role_ids = excluded.editor_role_ids,"
                    " updated_at = excluded.updated_at",
                    platform,
                    server_id,
                    json.dumps(list(updated)),
                    stamp(now or self._clock.now()),
                )
        return updated
