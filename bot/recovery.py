"""Start-up recovery: claims a crashed run left, and digests missed while the bot was down.

Catch-up rule: for each server, take its last due instant at or before now. If that local
date has no ledger row and the instant is at most ``grace`` ago, the digest is posted now;
if it is older, the date is recorded ``missed``. A row left ``claimed`` by a crash is first
looked for in the channel (by its marker) and only posted if not found and still within
grace of its due time or of the claim, whichever is later (a ``/digest now`` in the evening
that died mid-post is still owed).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from bot.clock import Clock
from bot.delivery_port import (
    DeliveryKey,
    DeliveryResult,
    DeliveryStatus,
    DeliveryTarget,
    DigestPoster,
    PermanentDeliveryError,
    RetryPolicy,
    SharedCompositions,
    TransientDeliveryError,
    claim_result,
    digest_marker,
    gather_results,
    owed,
)
from bot.domain.digest_schedule import DigestSchedule, previous_run, run_at, run_date
from bot.domain.ledger import Claim
from bot.domain.servers import ServerSchedule
from bot.ports.ledger import DigestLedgerStore
from bot.ports.servers import ServerSchedules

log = logging.getLogger(__name__)

PAGE = 1000  # schedules read at a time

Deliver = Callable[..., Awaitable[DeliveryResult]]
Fulfil = Callable[[DigestSchedule, Claim], Awaitable[DeliveryResult]]


class Recovery:
    """Catch-up for one delivery; it posts through that delivery's ``deliver``/``fulfil``."""

    def __init__(
        self,
        servers: ServerSchedules,
        ledger: DigestLedgerStore,
        poster: DigestPoster,
        clock: Clock,
        retry: RetryPolicy,
        deliver: Deliver,
        fulfil: Fulfil,
    ) -> None:
        self._servers = servers
        self._ledger = ledger
        self._poster = poster
        self._clock = clock
        self._retry = retry
        self._deliver = deliver
        self._fulfil = fulfil

    async def catch_up(
        self, now: datetime, grace: timedelta, *, stale_before: datetime | None = None
    ) -> list[DeliveryResult]:
        """Start-up: recover crashed claims, post recent missed digests, record older ones.

        ``stale_before`` is when this process started (default ``now``): only claims older
        than that belong to a run that died; younger ones are this process's, in flight.
        """
        jobs: list[tuple[DeliveryKey, Awaitable[DeliveryResult]]] = []
        started = now if stale_before is None else min(stale_before, now)
        for row in await self._ledger.stale_claims(stale_before=started):
            key = (row.platform, row.server_id, row.local_date)
            server = await self._servers.get_schedule(row.platform, row.server_id)
            jobs.append((key, self._recover(key, server, now, grace, started, row.claimed_at)))
        recovering = {key for key, _ in jobs}
        results = await gather_results(jobs)
        shared = SharedCompositions()
        # Only schedules whose next run has passed (a run no scheduler has handled), a page at
        # a time: a restart reads the servers whose digests fell due while it was down.
        async for page in self._servers.schedule_pages(PAGE, due_by=now):
            jobs = await self._page_jobs(page, now, grace, recovering, shared)
            results += await gather_results(jobs)
        for result in results:
            log.info(
                "catch-up %s/%s %s: %s %s",
                result.platform,
                result.server_id,
                result.local_date,
                result.status.value,
                result.reason or "",
            )
        # One closing line: an operator (or a test) knows the round is over, not half-logged.
        tally = Counter(result.status.value for result in results)
        log.info(
            "catch-up finished: %d digest(s)%s",
            len(results),
            "".join(f", {count} {status}" for status, count in sorted(tally.items())),
        )
        return results

    async def _page_jobs(
        self,
        page: list[ServerSchedule],
        now: datetime,
        grace: timedelta,
        recovering: set[DeliveryKey],
        shared: SharedCompositions,
    ) -> list[tuple[DeliveryKey, Awaitable[DeliveryResult]]]:
        """The page's last due runs with no ledger row: post them within grace, else missed."""
        last_due: dict[DeliveryKey, tuple[ServerSchedule, datetime]] = {}
        for server in page:
            at = previous_run(server.schedule, now)
            if owed(server, at):
                day = run_date(server.schedule, at)
                last_due[(server.platform, server.server_id, day)] = (server, at)
        handled = await self._ledger.rows_for(last_due)
        jobs: list[tuple[DeliveryKey, Awaitable[DeliveryResult]]] = []
        for key, (server, at) in last_due.items():
            if key in handled or key in recovering:
                continue
            if now - at <= grace:
                jobs.append((key, self._deliver(server, key[2], now, shared=shared)))
            else:
                jobs.append((key, self._miss(server, key[2], at, now, grace)))
        return jobs

    # -- steps ----------------------------------------------------------------------------

    async def _recover(
        self,
        key: DeliveryKey,
        server: ServerSchedule | None,
        now: datetime,
        grace: timedelta,
        stale_before: datetime,
        claimed_at: datetime | None,
    ) -> DeliveryResult:
        """Finish a claim a crashed run left: find its message, else post (within grace)."""
        platform, server_id, day = key
        claim = await self._ledger.reclaim_stale(platform, server_id, day, stale_before, now)
        if claim is None:
            return DeliveryResult(platform, server_id, day, DeliveryStatus.NOT_CLAIMED)
        target = DeliveryTarget(platform, server_id, claim.channel_id)
        try:
            found = await self._find_with_retries(target, digest_marker(day))
        except (PermanentDeliveryError, TransientDeliveryError) as error:
            # Posting blind could double the digest, so an unchecked channel fails the day.
            reason = f"could not check the channel for an earlier post: {error.reason}"
            await self._ledger.mark_failed(platform, server_id, day, reason, self._clock.now())
            return claim_result(claim, DeliveryStatus.FAILED, reason=reason)
        if found is not None:
            await self._ledger.mark_posted(
                platform, server_id, day, found, self._clock.now(), claim.covers_until
            )
            return claim_result(claim, DeliveryStatus.RECOVERED, message_id=found)
        if server is not None:
            owed_from = run_at(server.schedule, day)
            if claimed_at is not None and claimed_at > owed_from:
                owed_from = claimed_at  # claimed early or late by /digest now
            if now - owed_from <= grace:
                return await self._fulfil(server.schedule, claim)
        reason = "the bot stopped while posting and came back too late to post it"
        await self._ledger.mark_missed(
            platform, server_id, day, claim.channel_id, reason, self._clock.now()
        )
        return claim_result(claim, DeliveryStatus.MISSED, reason=reason)

    async def _miss(
        self, server: ServerSchedule, day: date, due: datetime, now: datetime, grace: timedelta
    ) -> DeliveryResult:
        late = (now - due).total_seconds() / 3600
        reason = (
            f"the bot was offline at digest time and came back {late:.1f} h later"
            f" (digests are caught up within {grace.total_seconds() / 3600:g} h)"
        )
        recorded = await self._ledger.mark_missed(
            server.platform, server.server_id, day, server.schedule.channel_id, reason, now
        )
        status = DeliveryStatus.MISSED if recorded else DeliveryStatus.NOT_CLAIMED
        return DeliveryResult(server.platform, server.server_id, day, status, reason=reason)

    async def _find_with_retries(self, target: DeliveryTarget, marker: str) -> str | None:
        for delay in (*self._retry.delays, None):
            try:
                return await self._poster.find_posted(target, marker)
            except TransientDeliveryError:
                if delay is None:
                    raise
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")
