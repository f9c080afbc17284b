"""Per-server settings: the digest schedule and the editor roles, keyed by (platform, server)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import Clock, SystemClock
from bot.domain.digest_schedule import DigestSchedule, QuietDays, next_run, parse_local_time
from bot.domain.servers import ServerSchedule, ServerSettings
from bot.storage.codec import parse_stamp, stamp
from bot.storage.database import Database
from bot.storage.due_schedules import ACTIVE, COLUMNS, DueScheduleQueries

log = logging.getLogger(__name__)

_COLUMNS = COLUMNS


class ServerStore(DueScheduleQueries):
    """Every query about server settings; the one place their SQL lives."""

    def __init__(self, database: Database, clock: Clock | None = None) -> None:
        self._db = database
        # Writes stamp updated_at with an explicit ``now`` when given, else this clock's.
        self._clock = clock or SystemClock()

    async def get(self, platform: str, server_id: str) -> ServerSettings | None:
        """The server's settings, or None if it never configured anything."""
        rows = await self._db.read.execute_fetchall(
            f"SELECT {_COLUMNS} FROM servers WHERE platform = ? AND server_id = ?",
            (platform, server_id),
        )
        found = list(rows)
        return _settings(found[0]) if found else None

    async def get_schedule(self, platform: str, server_id: str) -> ServerSchedule | None:
        """The server's active digest schedule, or None."""
        settings = await self.get(platform, server_id)
        if settings is None or settings.schedule is None:
            return None
        return ServerSchedule(platform, server_id, settings.schedule, settings.schedule_since)

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
                (
                    platform,
                    server_id,
                    schedule.channel_id,
                    schedule.time_text,
                    schedule.timezone,
                    json.dumps(list(schedule.topics)),
                    schedule.quiet_days.value,
                    stamp(now),
                    stamp(now),
                    stamp(next_run(schedule, now)),
                ),
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
        """Every server with a digest schedule, in one query."""
        rows = await self._db.read.execute_fetchall(
            f"SELECT {_COLUMNS} FROM servers WHERE {ACTIVE} ORDER BY platform, server_id"
        )
        return [s for row in rows if (s := self._server_schedule(row)) is not None]

    def _server_schedule(self, row: Any) -> ServerSchedule | None:
        schedule = _schedule(row)
        if schedule is None:
            return None
        since = parse_stamp(row["digest_since"])
        return ServerSchedule(row["platform"], row["server_id"], schedule, since)

    # -- editor roles ---------------------------------------------------------------------

    async def editor_role_ids(self, platform: str, server_id: str) -> list[str]:
        """The role ids whose members may edit entries and digests in this server."""
        rows = list(
            await self._db.read.execute_fetchall(
                "SELECT editor_role_ids FROM servers WHERE platform = ? AND server_id = ?",
                (platform, server_id),
            )
        )
        return [str(role) for role in json.loads(rows[0][0])] if rows else []

    async def add_editor_role(
        self, platform: str, server_id: str, role_id: str, now: datetime | None = None
    ) -> tuple[str, ...]:
        """Add an editor role (no-op if present); returns the roles afterwards."""
        return await self._change_roles(
            platform,
            server_id,
            now,
            lambda roles: (*roles, role_id) if role_id not in roles else roles,
        )

    async def remove_editor_role(
        self, platform: str, server_id: str, role_id: str, now: datetime | None = None
    ) -> tuple[str, ...]:
        """Remove an editor role (no-op if absent); returns the roles afterwards."""
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
        # Read and write in the same BEGIN IMMEDIATE transaction: two editors changing roles
        # at once cannot lose each other's change.
        async with self._db.write() as connection:
            rows = list(
                await connection.execute_fetchall(
                    "SELECT editor_role_ids FROM servers WHERE platform = ? AND server_id = ?",
                    (platform, server_id),
                )
            )
            current = tuple(json.loads(rows[0]["editor_role_ids"])) if rows else ()
            updated = change(current)
            if updated != current:
                stamped = now or self._clock.now()
                await _upsert_roles(connection, platform, server_id, updated, stamped)
        return updated


async def _upsert_roles(
    connection: aiosqlite.Connection,
    platform: str,
    server_id: str,
    roles: Iterable[str],
    now: datetime,
) -> None:
    await connection.execute(
        "INSERT INTO servers (platform, server_id, editor_role_ids, updated_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (platform, server_id) DO UPDATE SET"
        " editor_role_ids = excluded.editor_role_ids, updated_at = excluded.updated_at",
        (platform, server_id, json.dumps(list(roles)), stamp(now)),
    )


def _settings(row: Any) -> ServerSettings:
    return ServerSettings(
        platform=row["platform"],
        server_id=row["server_id"],
        schedule=_schedule(row),
        topics=tuple(json.loads(row["topics"])),
        quiet_days=QuietDays(row["quiet_days"]),
        editor_role_ids=tuple(json.loads(row["editor_role_ids"])),
        updated_at=parse_stamp(row["updated_at"]),
        schedule_since=parse_stamp(row["digest_since"]),
    )


def _schedule(row: Any) -> DigestSchedule | None:
    if not (row["digest_channel_id"] and row["digest_time"] and row["timezone"]):
        return None
    try:
        return DigestSchedule(
            channel_id=row["digest_channel_id"],
            local_time=parse_local_time(row["digest_time"]),
            timezone=row["timezone"],
            topics=tuple(json.loads(row["topics"])),
            quiet_days=QuietDays(row["quiet_days"]),
        )
    except ValueError as error:
        # A zone the system no longer knows (tzdata changed) must not stop every other
        # server's digest; this one is skipped and the reason logged.
        log.error(
            "server %s/%s: stored schedule unusable: %s", row["platform"], row["server_id"], error
        )
        return None
