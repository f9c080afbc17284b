"""One digest runtime for every platform: delivery, scheduler, catch-up and notices.

A platform hands in its poster; the runtime builds the rest over stores scoped to that
platform (:mod:`bot.scheduling.platforms`), so each platform's digests stay its own while
the shared ledger keeps "once per server per local day" across all of them. Catch-up runs
in the background: a platform serves commands at once, however slow its channels are.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.corrections import CorrectionSender, NoticeBell, NoticePoster
from bot.delivery import DigestDelivery, DigestPoster, RetryPolicy
from bot.domain.digest import Measure
from bot.domain.shards import ShardSpec
from bot.intake.notifier import IntakePoster
from bot.platforms.host import PlatformHost
from bot.ports.corrections import CorrectionNotices
from bot.ports.ledger import DigestLedgerStore
from bot.ports.servers import ServerSettingsStore
from bot.scheduling.scheduler import DigestScheduler
from bot.service import BriefingService
from bot.usecases.digest_settings import DigestSettings

log = logging.getLogger(__name__)


class PlatformPoster(DigestPoster, NoticePoster, IntakePoster, Protocol):
    """What a platform implements to receive digests, correction notices and the
    newsroom's intake notices."""


class RuntimeDeps(Protocol):
    """What an adapter's dependencies hand the runtime (its stores are platform-scoped)."""

    @property
    def service(self) -> BriefingService: ...
    @property
    def servers(self) -> ServerSettingsStore: ...
    @property
    def ledger(self) -> DigestLedgerStore: ...
    @property
    def corrections(self) -> CorrectionNotices: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def retry(self) -> RetryPolicy: ...
    @property
    def notices(self) -> NoticeBell: ...
    @property
    def grace_hours(self) -> float: ...


async def _no_wait() -> None:
    return None


class DigestRuntime:
    """The digest machinery of one platform; ``start`` it once connected, ``stop`` at exit."""

    def __init__(
        self,
        platform: str,
        service: BriefingService,
        servers: ServerSettingsStore,
        ledger: DigestLedgerStore,
        corrections: CorrectionNotices,
        poster: PlatformPoster,
        clock: Clock,
        *,
        grace_hours: float,
        retry: RetryPolicy | None = None,
        notices: NoticeBell | None = None,
        budget: int | None = None,
        measure: Measure | None = None,
        shards: ShardSpec | None = None,
    ) -> None:
        self.clock = clock
        self.grace = timedelta(hours=grace_hours)
        self.delivery = DigestDelivery(
            service,
            servers,
            ledger,
            poster,
            clock,
            retry=retry,
            budget=budget,
            measure=measure,
            carried=corrections,
        )
        # ``shards``: the Discord shards this process runs (None: every server).
        self.scheduler = DigestScheduler(servers, self.delivery, clock, shards=shards)
        self.corrections = CorrectionSender(
            corrections, poster, clock, notices or NoticeBell(), retry=retry
        )
        self.settings = DigestSettings(
            platform, servers, ledger, self.delivery, self.scheduler, clock, service.vocabulary
        )
        self._tasks: list[asyncio.Task[None]] = []
        # Awaitable by whoever needs catch-up finished (tests, a health check).
        self.catch_up_task: asyncio.Task[None] | None = None

    async def start(self, ready: Callable[[], Awaitable[None]] = _no_wait) -> None:
        """Start the digest timer, catch up and send owed notices, all in the background.

        ``ready`` is awaited first by the background work (e.g. until the gateway is up).
        """
        # Claims from before this moment were left by a run that died; later ones are ours.
        started = self.clock.now()
        await self.scheduler.start(ready, catch_up_first=True)
        self.catch_up_task = asyncio.create_task(
            self._catch_up(started, ready), name="digest-catch-up"
        )
        self._tasks.append(self.catch_up_task)
        self.start_notices(started, ready)

    def start_notices(
        self, started: datetime, ready: Callable[[], Awaitable[None]] = _no_wait
    ) -> None:
        """Send owed correction notices, now and whenever an editor saves a correction."""

        async def notices() -> None:
            await ready()
            await self.corrections.run(started)

        self._tasks.append(asyncio.create_task(notices(), name="corrections"))

    async def _catch_up(self, started: datetime, ready: Callable[[], Awaitable[None]]) -> None:
        await ready()
        try:
            await self.delivery.catch_up(self.clock.now(), self.grace, stale_before=started)
        except Exception:  # logged: a failed catch-up must not take the platform down
            log.exception("digest catch-up failed")
        finally:
            self.scheduler.caught_up()

    async def stop(self) -> None:
        """Stop the scheduler first so no digest starts, then the background work."""
        await self.scheduler.shutdown()
        await self.stop_background()

    async def stop_background(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        # A task that had already failed must not stop the shutdown; it is logged instead.
        for outcome in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(outcome, Exception):
                log.error("digest background task had failed", exc_info=outcome)

    @classmethod
    def of(
        cls,
        platform: str,
        deps: RuntimeDeps,
        poster: PlatformPoster,
        *,
        budget: int | None = None,
        measure: Measure | None = None,
    ) -> DigestRuntime:
        """The runtime over an adapter's dependencies."""
        return cls(
            platform,
            deps.service,
            deps.servers,
            deps.ledger,
            deps.corrections,
            poster,
            deps.clock,
            grace_hours=deps.grace_hours,
            retry=deps.retry,
            notices=deps.notices,
            budget=budget,
            measure=measure,
        )

    @classmethod
    def for_host(
        cls,
        host: PlatformHost,
        poster: PlatformPoster,
        *,
        retry: RetryPolicy | None = None,
        notices: NoticeBell | None = None,
        budget: int | None = None,
        measure: Measure | None = None,
    ) -> DigestRuntime:
        """The runtime over ``host``'s platform-scoped stores."""
        return cls(
            host.platform,
            host.service,
            host.servers,
            host.ledger,
            host.corrections,
            poster,
            host.clock,
            grace_hours=host.settings.digest_grace_hours,
            retry=retry,
            notices=notices,
            budget=budget,
            measure=measure,
        )
