"""Server settings port: digest schedules and editor roles, keyed by (platform, server)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Protocol

from bot.domain.digest_schedule import DigestSchedule
from bot.domain.servers import DueSchedule, ServerSchedule, ServerSettings
from bot.domain.shards import ShardSpec

# (platform, server id, the next run it must still have, the new next run)
NextRunChange = tuple[str, str, datetime | None, datetime]


class ServerSchedules(Protocol):
    """What the scheduler and delivery read: the active schedules."""

    async def get_schedule(self, platform: str, server_id: str) -> ServerSchedule | None: ...

    async def active_schedules(self) -> list[ServerSchedule]: ...

    def schedule_pages(
        self, size: int = 1000, due_by: datetime | None = None
    ) -> AsyncIterator[list[ServerSchedule]]:
        """Every active schedule, a page at a time (memory bounded by ``size``); with
        ``due_by``, only those whose next run is not after it or was never computed."""
        ...


class ScheduleIndex(ServerSchedules, Protocol):
    """Each server's next due instant, kept with its schedule: what the scheduler loop reads.

    ``set_schedule`` stores the schedule's next run with it and ``disable_schedule`` clears it.
    """

    async def due_schedules(
        self,
        now: datetime,
        limit: int,
        shards: ShardSpec | None = None,
        not_before: datetime | None = None,
    ) -> list[DueSchedule]:
        """Due at or before ``now``, earliest first, and those with no next run yet; with
        ``not_before``, only those due from then on (earlier ones are catch-up's)."""
        ...

    async def earliest_next_run(
        self, after: datetime, shards: ShardSpec | None = None
    ) -> datetime | None: ...

    async def next_run(self, platform: str, server_id: str) -> datetime | None: ...

    async def advance_next_runs(self, changes: Iterable[NextRunChange]) -> None:
        """Atomically; a row whose next run is no longer ``old`` is left as it is."""
        ...


class EditorRoles(Protocol):
    async def editor_role_ids(self, platform: str, server_id: str) -> list[str]: ...

    async def add_editor_role(
        self, platform: str, server_id: str, role_id: str, now: datetime | None = None
    ) -> tuple[str, ...]:
        """No-op if present; the roles afterwards (no change is ever lost to a race)."""
        ...

    async def remove_editor_role(
        self, platform: str, server_id: str, role_id: str, now: datetime | None = None
    ) -> tuple[str, ...]: ...


class ServerSettingsStore(ScheduleIndex, EditorRoles, Protocol):
    """Everything stored about servers."""

    async def get(self, platform: str, server_id: str) -> ServerSettings | None: ...

    async def set_schedule(
        self, platform: str, server_id: str, schedule: DigestSchedule, now: datetime | None = None
    ) -> ServerSchedule:
        """Create or replace atomically."""
        ...

    async def disable_schedule(
        self, platform: str, server_id: str, now: datetime | None = None
    ) -> bool:
        """False if it was not on; topics and editor roles are kept."""
        ...
