"""Server settings port: digest schedules and editor roles, keyed by (platform, server)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.digest_schedule import DigestSchedule
from bot.domain.servers import ServerSchedule, ServerSettings


class ServerSchedules(Protocol):
    """What the scheduler and delivery read: the active schedules."""

    async def get_schedule(self, platform: str, server_id: str) -> ServerSchedule | None: ...

    async def active_schedules(self) -> list[ServerSchedule]: ...


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


class ServerSettingsStore(ServerSchedules, EditorRoles, Protocol):
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
