"""A server's daily digest: set up, switch off, status, preview and post now.

One workflow for every platform: store the schedule, have the scheduler follow it at once,
and say when the next digest comes. Adapters only translate a command into these calls and
the results into their own messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.clock import Clock
from bot.delivery import DeliveryResult, DigestDelivery, digest_marker
from bot.domain.digest import Digest
from bot.domain.digest_schedule import DigestSchedule, next_run
from bot.domain.ledger import LedgerRow
from bot.domain.servers import ServerSchedule
from bot.domain.validation import choice_list
from bot.domain.vocabulary import Vocabulary
from bot.ports.ledger import DigestLedgerStore
from bot.ports.servers import ServerSettingsStore
from bot.scheduling.scheduler import DigestScheduler

RECENT = 5  # ledger rows shown by status


@dataclass(frozen=True, slots=True)
class DigestSetUp:
    schedule: DigestSchedule
    next_digest: datetime


@dataclass(frozen=True, slots=True)
class DigestStatus:
    server: ServerSchedule
    next_digest: datetime
    recent: list[LedgerRow]


@dataclass(frozen=True, slots=True)
class DigestPreview:
    digest: Digest
    marker: str  # what the preview is, shown where the real digest shows its marker


class DigestSettings:
    """The digest use cases of one platform's servers (``platform`` scopes every call)."""

    def __init__(
        self,
        platform: str,
        servers: ServerSettingsStore,
        ledger: DigestLedgerStore,
        delivery: DigestDelivery,
        scheduler: DigestScheduler,
        clock: Clock,
        vocabulary: Vocabulary,
    ) -> None:
        self.platform = platform
        self._servers = servers
        self._ledger = ledger
        self._delivery = delivery
        self._scheduler = scheduler
        self._clock = clock
        self._vocabulary = vocabulary

    def parse(
        self, channel_id: str, time: str, timezone: str, topics: str | None, quiet_days: str
    ) -> DigestSchedule:
        """The schedule asked for, checked before anything (e.g. the channel) is looked at."""
        chosen = choice_list(topics, self._vocabulary.topics) if topics else ()
        return DigestSchedule.parse(channel_id, time, timezone, chosen, quiet_days)

    async def set_up(self, server_id: str, schedule: DigestSchedule) -> DigestSetUp:
        now = self._clock.now()
        server = await self._servers.set_schedule(self.platform, server_id, schedule, now)
        self._scheduler.reschedule(server)
        return DigestSetUp(schedule, next_run(schedule, now))

    async def switch_off(self, server_id: str) -> bool:
        """False when there was no digest on; either way none is scheduled after."""
        was_on = await self._servers.disable_schedule(self.platform, server_id, self._clock.now())
        self._scheduler.remove(self.platform, server_id)
        return was_on

    async def current(self, server_id: str) -> ServerSchedule | None:
        return await self._servers.get_schedule(self.platform, server_id)

    async def status(self, server: ServerSchedule) -> DigestStatus:
        recent = await self._ledger.status(server.platform, server.server_id, limit=RECENT)
        return DigestStatus(server, next_run(server.schedule, self._clock.now()), recent)

    async def preview(self, server: ServerSchedule, day: date | None = None) -> DigestPreview:
        """What ``now`` would post; with ``day``, what happened that day (event date)."""
        if day is None:
            digest = await self._delivery.preview(server, self._clock.now())
            return DigestPreview(digest, f"preview of {digest_marker(digest.local_date)}")
        digest = await self._delivery.preview_day(server, day)
        return DigestPreview(digest, f"what happened on {digest.local_date.isoformat()}")

    async def post_now(self, server: ServerSchedule) -> DeliveryResult:
        return await self._delivery.post_now(server, self._clock.now())
