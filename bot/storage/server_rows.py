"""The ``servers`` table's rows to and from domain values, for SQLite and PostgreSQL alike.

Both backends store a server the same way (text stamps, JSON lists, the same columns), so
decoding a row, building the values of a write and the scheduler's decisions over the rows
read live here once; each backend keeps only its SQL, locking and driver calls.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.domain.digest_schedule import DigestSchedule, QuietDays, next_run, parse_local_time
from bot.domain.servers import DueSchedule, ServerSchedule, ServerSettings
from bot.storage.codec import parse_stamp, stamp

log = logging.getLogger(__name__)

COLUMNS = (
    "platform, server_id, digest_channel_id, digest_time, timezone, topics, quiet_days,"
    " editor_role_ids, updated_at, digest_since, next_run_utc"
)
ACTIVE = "digest_channel_id IS NOT NULL AND digest_time IS NOT NULL AND timezone IS NOT NULL"

NextRunChange = tuple[str, str, datetime | None, datetime]  # platform, server, old, new
# Where a schedule the system can no longer read (its zone left tzdata) is parked, so it can
# never fill the due window ahead of good ones; ``/digest setup`` writes a real one again.
PARKED = "9999-12-31T00:00:00.000000+00:00"

RoleChange = Callable[[tuple[str, ...]], tuple[str, ...]]


def settings_from_row(row: Any) -> ServerSettings:
    """A server's settings from a row selected with :data:`COLUMNS`."""
    return ServerSettings(
        platform=row["platform"],
        server_id=row["server_id"],
        schedule=schedule_from_row(row),
        topics=tuple(json.loads(row["topics"])),
        quiet_days=QuietDays(row["quiet_days"]),
        editor_role_ids=roles_from_json(row["editor_role_ids"]),
        updated_at=parse_stamp(row["updated_at"]),
        schedule_since=parse_stamp(row["digest_since"]),
    )


def schedule_from_row(row: Any) -> DigestSchedule | None:
    """The row's digest schedule; None when digests are off or the stored one is unusable."""
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


def server_schedule_from_row(row: Any) -> ServerSchedule | None:
    schedule = schedule_from_row(row)
    if schedule is None:
        return None
    since = parse_stamp(row["digest_since"])
    return ServerSchedule(row["platform"], row["server_id"], schedule, since)


def schedules_from_rows(rows: Iterable[Any]) -> list[ServerSchedule]:
    """The usable schedules among the rows (an unusable one is logged and left out)."""
    return [s for row in rows if (s := server_schedule_from_row(row)) is not None]


def schedule_of(settings: ServerSettings | None) -> ServerSchedule | None:
    """The active schedule in a server's settings, or None."""
    if settings is None or settings.schedule is None:
        return None
    schedule = settings.schedule
    return ServerSchedule(settings.platform, settings.server_id, schedule, settings.schedule_since)


def in_scope(platforms: frozenset[str] | None, platform: str) -> bool:
    """Whether a store scoped to ``platforms`` (None: all) serves this platform's schedules."""
    return platforms is None or platform in platforms


def schedule_values(
    platform: str, server_id: str, schedule: DigestSchedule, now: datetime
) -> tuple[Any, ...]:
    """The values of a schedule's write, in column order: platform, server_id,
    digest_channel_id, digest_time, timezone, topics, quiet_days, updated_at, digest_since,
    next_run_utc (its next run is written with it, so the scheduler never sees one alone)."""
    return (
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
    )


def roles_from_json(text: str | None) -> tuple[str, ...]:
    """The editor role ids stored as a JSON list (none when the server has no row)."""
    return tuple(str(role) for role in json.loads(text)) if text is not None else ()


def roles_values(
    platform: str, server_id: str, roles: Iterable[str], now: datetime
) -> tuple[str, str, str, str]:
    """The values of an editor roles write: platform, server_id, editor_role_ids, updated_at."""
    return (platform, server_id, json.dumps(list(roles)), stamp(now))


def adding_role(role_id: str) -> RoleChange:
    """Add an editor role; a no-op if present."""
    return lambda roles: (*roles, role_id) if role_id not in roles else roles


def removing_role(role_id: str) -> RoleChange:
    """Remove an editor role; a no-op if absent."""
    return lambda roles: tuple(r for r in roles if r != role_id)


def due_and_parked(rows: Iterable[Any]) -> tuple[list[DueSchedule], list[tuple[str, str, str]]]:
    """The due schedules among the rows, and the (PARKED, platform, server_id) values to park
    the unusable ones with (the parser has logged why)."""
    due: list[DueSchedule] = []
    parked: list[tuple[str, str, str]] = []
    for row in rows:
        server = server_schedule_from_row(row)
        if server is None:
            parked.append((PARKED, row["platform"], row["server_id"]))
        else:
            due.append(DueSchedule(server, parse_stamp(row["next_run_utc"])))
    return due, parked


async def collect_due(
    fetch: Callable[[], Awaitable[Sequence[Any]]],
    park: Callable[[list[tuple[str, str, str]]], Awaitable[None]],
) -> list[DueSchedule]:
    """The due schedules ``fetch`` reads; unusable ones are parked, and when the window held
    only those, it is read again (they no longer fill it)."""
    while True:
        due, parked = due_and_parked(await fetch())
        if not parked:
            return due
        await park(parked)
        if due:
            return due


def next_run_values(changes: Iterable[NextRunChange]) -> list[tuple[str, str, str, str | None]]:
    """(new, platform, server_id, old) per change, stamped, for a conditional update."""
    return [
        (stamp(new), platform, server_id, stamp(old) if old else None)
        for platform, server_id, old, new in changes
    ]


async def schedule_pages(
    fetch_after: Callable[[tuple[str, str]], Awaitable[Sequence[Any]]],
) -> AsyncIterator[list[ServerSchedule]]:
    """The schedules of every page ``fetch_after`` reads, keyed on (platform, server_id) after
    the last row of the page before; a page with no usable schedule is not yielded."""
    after = ("", "")
    while True:
        rows = await fetch_after(after)
        if not rows:
            return
        after = (rows[-1]["platform"], rows[-1]["server_id"])
        page = schedules_from_rows(rows)
        if page:
            yield page
