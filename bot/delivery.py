"""Delivering scheduled digests exactly once: claim in the ledger, compose, post, record.

Platform-free: a platform adapter implements :class:`DigestPoster` (Discord now, Slack
later). The ledger row claimed before posting is what makes delivery idempotent, so a
scheduler that fires twice, a restart, or a ``/digest now`` racing the schedule all end in
one message per server per local date. Start-up catch-up is :mod:`bot.recovery`; the port
and its values are :mod:`bot.delivery_port` (re-exported here).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta

from bot.clock import Clock
from bot.delivery_port import (
    CarriedEntries,
    DeliveryKey,
    DeliveryResult,
    DeliveryStatus,
    DeliveryTarget,
    DigestPoster,
    PermanentDeliveryError,
    RetryPolicy,
    SharedCompositions,
    TransientDeliveryError,
    claim_key,
    claim_result,
    digest_marker,
    digest_nonce,
    gather_results,
    owed,
    transient_reason,
)
from bot.domain.digest import Digest, Measure
from bot.domain.digest_schedule import DigestSchedule, QuietDays, due_date, run_at
from bot.domain.ledger import Claim, LedgerStatus
from bot.domain.schedule import local_date
from bot.domain.servers import ServerSchedule
from bot.ports.ledger import DigestLedgerStore
from bot.ports.servers import ServerSchedules
from bot.recovery import Recovery
from bot.service import BriefingService

__all__ = [
    "CarriedEntries",
    "DeliveryResult",
    "DeliveryStatus",
    "DeliveryTarget",
    "DigestDelivery",
    "DigestPoster",
    "PermanentDeliveryError",
    "RetryPolicy",
    "SharedCompositions",
    "TransientDeliveryError",
    "digest_marker",
    "digest_nonce",
]

log = logging.getLogger(__name__)


class DigestDelivery:
    """The digest use cases the scheduler, start-up and ``/digest now`` call."""

    def __init__(
        self,
        service: BriefingService,
        servers: ServerSchedules,
        ledger: DigestLedgerStore,
        poster: DigestPoster,
        clock: Clock,
        *,
        retry: RetryPolicy | None = None,
        concurrency: int = 20,
        budget: int | None = None,
        measure: Measure | None = None,
        carried: CarriedEntries | None = None,
    ) -> None:
        self._service = service
        self._carried = carried
        self._servers = servers
        self._ledger = ledger
        self._poster = poster
        self._clock = clock
        self._retry = retry or RetryPolicy()
        # Bounds sends in flight across every caller; held per try, not across backoff
        # sleeps, so a failing server never holds a slot others wait for.
        self._limit = asyncio.Semaphore(concurrency)
        self._budget = budget
        self._measure = measure
        self._recovery = Recovery(
            servers, ledger, poster, clock, self._retry, self.deliver, self._fulfil_owed
        )

    # -- use cases ------------------------------------------------------------------------

    async def deliver(
        self,
        server: ServerSchedule,
        day: date,
        now: datetime,
        *,
        honour_quiet: bool = True,
        shared: SharedCompositions | None = None,
    ) -> DeliveryResult:
        """Post ``server``'s digest of local date ``day`` unless any run already has it.

        ``shared`` lets servers of one round whose digests are the same (same zone, day,
        window and topics) compose it once.
        """
        claim = await self._ledger.claim(
            server.platform, server.server_id, day, server.schedule.channel_id, now
        )
        if claim is None:
            return await self._not_claimed(server, day)
        return await self._fulfil(server.schedule, claim, honour_quiet=honour_quiet, shared=shared)

    async def post_now(self, server: ServerSchedule, now: datetime) -> DeliveryResult:
        """``/digest now``: today's digest, posted even on a quiet day; it counts as today's.

        A day that ended ``failed`` or ``missed`` is taken over: an editor asking after
        fixing the cause (a permission, the bot's downtime) gets the digest. A failed day
        may have landed after all (a 5xx after Discord stored it), so the channel is
        checked for it first.
        """
        today = local_date(now, server.schedule.tz)
        result = await self.deliver(server, today, now, honour_quiet=False)
        if result.status is not DeliveryStatus.NOT_CLAIMED or result.message_id:
            return result
        claim = await self._ledger.retake(
            server.platform, server.server_id, today, server.schedule.channel_id, now
        )
        if claim is None:
            return result
        target = DeliveryTarget(claim.platform, claim.server_id, claim.channel_id)
        found = await self._look_for(target, digest_marker(today))
        if found is not None:
            await self._ledger.mark_posted(*claim_key(claim), found, self._clock.now())
            return claim_result(claim, DeliveryStatus.RECOVERED, message_id=found)
        return await self._fulfil(server.schedule, claim, honour_quiet=False)

    async def preview(self, server: ServerSchedule, now: datetime) -> Digest:
        """Exactly what ``/digest now`` would post at ``now``; nothing is claimed or sent."""
        day = local_date(now, server.schedule.tz)
        return await self._compose_for(
            server.platform, server.server_id, server.schedule, day, None
        )

    async def preview_day(self, server: ServerSchedule, day: date) -> Digest:
        """What happened on ``day`` (event date), in the server's topics and size budget."""
        return await self._service.digest_of_day(
            day, topics=server.schedule.topics, budget=self._budget, measure=self._measure
        )

    async def run_due(self, now: datetime) -> list[DeliveryResult]:
        """Deliver, concurrently, every server whose digest is due today and not yet handled."""
        due: dict[DeliveryKey, ServerSchedule] = {}
        for server in await self._servers.active_schedules():
            day = due_date(server.schedule, now)
            if day is not None and owed(server, run_at(server.schedule, day)):
                due[(server.platform, server.server_id, day)] = server
        handled = await self._ledger.rows_for(due)
        shared = SharedCompositions()
        return await gather_results(
            (key, self.deliver(server, key[2], now, shared=shared))
            for key, server in due.items()
            if key not in handled
        )

    async def catch_up(
        self, now: datetime, grace: timedelta, *, stale_before: datetime | None = None
    ) -> list[DeliveryResult]:
        """Start-up: recover crashed claims, post recent missed digests, record older ones
        (see :mod:`bot.recovery`)."""
        return await self._recovery.catch_up(now, grace, stale_before=stale_before)

    async def _fulfil(
        self,
        schedule: DigestSchedule,
        claim: Claim,
        *,
        honour_quiet: bool,
        shared: SharedCompositions | None = None,
    ) -> DeliveryResult:
        try:
            async with self._limit:
                digest = await self._compose_for(
                    claim.platform, claim.server_id, schedule, claim.local_date, shared
                )
            if honour_quiet and digest.is_quiet and schedule.quiet_days is QuietDays.SKIP:
                reason = "nothing new since the previous digest (quiet days are skipped)"
                await self._ledger.mark_skipped(*claim_key(claim), reason, self._clock.now())
                return claim_result(claim, DeliveryStatus.SKIPPED, reason=reason)
            if self._carried is not None:
                # Before sending: a correction owes a notice wherever the entry went out.
                ids = [item.entry_id for item in digest.items if item.entry_id is not None]
                await self._carried.record_digest_entries(*claim_key(claim), ids)
            return await self._post(claim, digest)
        except Exception as error:
            # Anything unexpected (a bug, the database) must not leave the row claimed
            # forever; it is logged with context and the day marked failed.
            log.exception("digest %s/%s %s failed", *claim_key(claim))
            reason = f"internal error ({type(error).__name__}); see the bot's log"
            await self._ledger.mark_failed(*claim_key(claim), reason, self._clock.now())
            return claim_result(claim, DeliveryStatus.FAILED, reason=reason)

    async def _fulfil_owed(self, schedule: DigestSchedule, claim: Claim) -> DeliveryResult:
        return await self._fulfil(schedule, claim, honour_quiet=True)

    async def _compose_for(
        self,
        platform: str,
        server_id: str,
        schedule: DigestSchedule,
        day: date,
        shared: SharedCompositions | None,
    ) -> Digest:
        """The server's digest: entries since its previous digest (or the local day)."""
        previous = await self._ledger.last_posted(platform, server_id)
        since = None
        if previous is not None and previous.local_date < day:
            since = previous.covers_until or previous.claimed_at
        key = (schedule.tz.key, day, since, schedule.topics)

        async def compose() -> Digest:
            return await self._service.digest(
                schedule.tz,
                day=day,
                since=since,
                topics=schedule.topics,
                budget=self._budget,
                measure=self._measure,
            )

        if shared is None:
            return await compose()
        return await shared.get(key, compose)

    async def _post(self, claim: Claim, digest: Digest) -> DeliveryResult:
        target = DeliveryTarget(claim.platform, claim.server_id, claim.channel_id)
        nonce = digest_nonce(claim.platform, claim.server_id, claim.local_date)
        marker = digest_marker(claim.local_date)
        tries = 0
        while True:
            tries += 1
            try:
                async with self._limit:
                    message_id = await asyncio.wait_for(
                        self._poster.post(target, digest, nonce, marker),
                        self._retry.attempt_timeout,
                    )
                break
            except PermanentDeliveryError as error:
                await self._ledger.mark_failed(*claim_key(claim), error.reason, self._clock.now())
                return claim_result(claim, DeliveryStatus.FAILED, reason=error.reason)
            except (TransientDeliveryError, TimeoutError) as error:
                reason = transient_reason(error)
                if tries >= self._retry.max_attempts:
                    reason = f"{reason} (gave up after {tries} tries)"
                    await self._ledger.mark_failed(*claim_key(claim), reason, self._clock.now())
                    return claim_result(claim, DeliveryStatus.FAILED, reason=reason)
                log.warning("digest %s/%s %s: %s; retrying", *claim_key(claim), reason)
                await self._ledger.record_attempt_error(*claim_key(claim), reason)
                await asyncio.sleep(self._retry.delays[tries - 1])
            # A failed try may still have landed (a 500 or timeout after Discord stored it):
            # look before trying again.
            found = await self._look_for(target, marker)
            if found is not None:
                message_id = found
                break
        covers = claim.claimed_at if claim.recovered else None
        await self._ledger.mark_posted(*claim_key(claim), message_id, self._clock.now(), covers)
        return claim_result(claim, DeliveryStatus.POSTED, message_id=message_id)

    async def _look_for(self, target: DeliveryTarget, marker: str) -> str | None:
        try:
            return await self._poster.find_posted(target, marker)
        except (PermanentDeliveryError, TransientDeliveryError) as error:
            # Not knowing is not fatal: the retry carries the same nonce.
            log.info("could not look for an earlier post: %s", error.reason)
            return None

    async def _not_claimed(self, server: ServerSchedule, day: date) -> DeliveryResult:
        row = await self._ledger.get(server.platform, server.server_id, day)
        reason = None
        message_id = None
        if row is not None:
            message_id = row.message_id
            reason = (
                "already being posted"
                if row.status is LedgerStatus.CLAIMED
                else f"today's digest is already {row.status.value}"
            )
        return DeliveryResult(
            server.platform, server.server_id, day, DeliveryStatus.NOT_CLAIMED, message_id, reason
        )
