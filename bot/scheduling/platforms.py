"""One deployment, several platforms, one ledger: keep each platform's digests to itself.

:class:`~bot.delivery.DigestDelivery` and :class:`~bot.scheduling.scheduler.DigestScheduler`
work on every active schedule in the database. A deployment that runs only some platforms
(Discord without Slack credentials, say) must not claim, and then fail, the other
platforms' digests. Two ways to compose them:

- one delivery and one scheduler per platform, each over :class:`PlatformServers` and
  :class:`PlatformLedger` scoped to that platform (each adapter owns its digests and can
  run alone; the shared ledger keeps "once per server per local day" across all of them);
- or one delivery and one scheduler for the deployment, with a :class:`PosterRouter` that
  hands each target to its platform's poster, over stores scoped to the running platforms.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from bot.clock import Clock
from bot.delivery import DeliveryTarget, DigestPoster, PermanentDeliveryError
from bot.domain.digest import Digest
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


class PosterRouter:
    """A :class:`~bot.delivery.DigestPoster` that dispatches on ``target.platform``."""

    def __init__(self, posters: Mapping[str, DigestPoster]) -> None:
        self._posters = dict(posters)

    @property
    def platforms(self) -> frozenset[str]:
        return frozenset(self._posters)

    async def post(self, target: DeliveryTarget, digest: Digest, nonce: str, marker: str) -> str:
        return await self._poster(target).post(target, digest, nonce, marker)

    async def find_posted(self, target: DeliveryTarget, marker: str) -> str | None:
        return await self._poster(target).find_posted(target, marker)

    def _poster(self, target: DeliveryTarget) -> DigestPoster:
        poster = self._posters.get(target.platform)
        if poster is None:
            raise PermanentDeliveryError(f"this deployment does not run {target.platform}")
        return poster
