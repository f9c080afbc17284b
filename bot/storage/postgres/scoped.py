"""PostgreSQL server settings and digest ledger scoped to the platforms a deployment runs
(the same filters as :mod:`bot.storage.scoped`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.domain.ledger import LedgerRow
from bot.domain.servers import ServerSchedule
from bot.storage.postgres.database import PgDatabase
from bot.storage.postgres.ledger import PgDigestLedger
from bot.storage.postgres.servers import PgServerStore


class PgPlatformServers(PgServerStore):
    """Server settings whose *schedule* reads see only the given platforms' servers."""

    def __init__(
        self, database: PgDatabase, platforms: Iterable[str], clock: Clock | None = None
    ) -> None:
        super().__init__(database, clock)
        self.platforms = frozenset(platforms)

    def _scope(self, first: int) -> tuple[str, list[Any]]:
        return f"platform = ANY(${first}::text[])", [sorted(self.platforms)]

    async def active_schedules(self) -> list[ServerSchedule]:
        return [s for s in await super().active_schedules() if s.platform in self.platforms]

    async def get_schedule(self, platform: str, server_id: str) -> ServerSchedule | None:
        if platform not in self.platforms:
            return None
        return await super().get_schedule(platform, server_id)


class PgPlatformLedger(PgDigestLedger):
    """The digest ledger, whose crash recovery sees only the given platforms' rows."""

    def __init__(self, database: PgDatabase, platforms: Iterable[str]) -> None:
        super().__init__(database)
        self.platforms = frozenset(platforms)

    async def stale_claims(self, stale_before: datetime) -> list[LedgerRow]:
        rows = await super().stale_claims(stale_before)
        return [row for row in rows if row.platform in self.platforms]
