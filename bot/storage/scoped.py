"""Server settings and the digest ledger, scoped to the platforms a deployment runs.

See :mod:`bot.scheduling.platforms` for why: a deployment that runs only some platforms must
not claim, and then fail, the other platforms' digests. They are SQLite stores with a filter,
so they live with the backend; delivery and the scheduler see them through the ports.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.domain.ledger import LedgerRow
from bot.domain.servers import ServerSchedule
from bot.storage.database import Database
from bot.storage.digests import DigestLedger
from bot.storage.servers import ServerStore


class PlatformServers(ServerStore):
    """Server settings whose *schedule* reads see only the given platforms' servers."""

    def __init__(
        self, database: Database, platforms: Iterable[str], clock: Clock | None = None
    ) -> None:
        super().__init__(database, clock)
        self.platforms = frozenset(platforms)

    def _scope(self) -> tuple[str, tuple[Any, ...]]:
        marks = ", ".join("?" for _ in self.platforms)
        return f"platform IN ({marks})", tuple(sorted(self.platforms))

    async def active_schedules(self) -> list[ServerSchedule]:
        return [s for s in await super().active_schedules() if s.platform in self.platforms]

    async def get_schedule(self, platform: str, server_id: str) -> ServerSchedule | None:
        if platform not in self.platforms:
            return None
        return await super().get_schedule(platform, server_id)


class PlatformLedger(DigestLedger):
    """The digest ledger, whose crash recovery sees only the given platforms' rows."""

    def __init__(self, database: Database, platforms: Iterable[str]) -> None:
        super().__init__(database)
        self.platforms = frozenset(platforms)

    async def stale_claims(self, stale_before: datetime) -> list[LedgerRow]:
        rows = await super().stale_claims(stale_before)
        return [row for row in rows if row.platform in self.platforms]
