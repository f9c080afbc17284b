"""Delivering scheduled digests exactly once: claim in the ledger, compose, post, record.

Platform-free: a platform adapter implements :class:`DigestPoster` (Discord now, Slack
later). The ledger row claimed before posting is what makes delivery idempotent, so a
scheduler that fires twice, a restart, or a ``/digest now`` racing the schedule all end in
one message per server per local date.

Catch-up rule (start-up): for each server, take its last due instant at or before now. If
that local date has no ledger row and the instant is at most ``grace`` ago, the digest is
posted now; if it is older, the date is recorded ``missed``. A row left ``claimed`` by a
crash is first looked for in the channel (by its marker) and only posted if not found and
still within grace of its due time or of the claim, whichever is later (a ``/digest now``
in the evening that died mid-post is still owed).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from bot.clock import Clock
from bot.domain.digest import Digest, Measure
from bot.domain.digest_schedule import (
    DigestSchedule,
    QuietDays,
    due_date,
    previous_run,
    run_at,
    run_date,
)
from bot.domain.ledger import Claim, LedgerStatus
from bot.domain.schedule import local_date
from bot.domain.servers import ServerSchedule
from bot.ports.ledger import DigestLedgerStore
from bot.ports.servers import ServerSchedules
from bot.service import BriefingService

log = logging.getLogger(__name__)

NONCE_LENGTH = 25  # Discord's limit for a message nonce


class PermanentDeliveryError(Exception):
    """Posting cannot work today (403/404: permission lost, channel deleted); never retried.

    ``reason`` is shown to admins as is, e.g. "missing permission to send in #briefing".
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TransientDeliveryError(Exception):
    """Posting failed but may work shortly (5xx, timeout, connection reset); retried."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DeliveryTarget:
    """Where a digest goes."""

    platform: str
    server_id: str
    channel_id: str


class CarriedEntries(Protocol):
    """Where the entries each digest carries are written (for corrections)."""

    async def record_digest_entries(
        self, platform: str, server_id: str, local_date: date, entry_ids: Iterable[int]
    ) -> None: ...


class DigestPoster(Protocol):
    """The platform port: render and post a digest, and find one posted earlier."""

    async def post(self, target: DeliveryTarget, digest: Digest, nonce: str, marker: str) -> str:
        """Post ``digest`` carrying ``marker``; return the message id.

        Raises :class:`PermanentDeliveryError` or :class:`TransientDeliveryError`.
        """
        ...

    async def find_posted(self, target: DeliveryTarget, marker: str) -> str | None:
        """The id of our recent message in the channel carrying ``marker``, if any."""
        ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Waits between tries of a transient failure; tries = len(delays) + 1."""

    delays: tuple[float, ...] = (2.0, 10.0, 30.0)
    attempt_timeout: float = 60.0

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1


class DeliveryStatus(StrEnum):
    POSTED = "posted"
    RECOVERED = "recovered"  # found in the channel after a crash; not posted again
    SKIPPED = "skipped"
    FAILED = "failed"
    MISSED = "missed"
    NOT_CLAIMED = "not claimed"  # another run has or had this date's digest


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    platform: str
    server_id: str
    local_date: date
    status: DeliveryStatus
    message_id: str | None = None
    reason: str | None = None


def digest_nonce(platform: str, server_id: str, day: date) -> str:
    """A nonce fixed by (platform, server, local date), so Discord drops a duplicate send."""
    digest = hashlib.sha256(f"{platform}:{server_id}:{day.isoformat()}".encode()).hexdigest()
    return ("dg" + digest)[:24]


def digest_marker(day: date) -> str:
    """The text our digest message carries (e.g. in its footer), found again after a crash."""
    return f"digest · {day.isoformat()}"


CompositionKey = tuple[str, date, datetime | None, tuple[str, ...]]


class SharedCompositions:
    """Digests composed once per delivery round, keyed by (zone, day, window start, topics).

    A thousand servers due at the same minute usually share one digest; composing it once
    keeps the round bound by Discord's rate limit rather than by rendering. Every claim of a
    round carries the round's ``now``, and composing starts after it, so the next digests'
    windows (which start at the claim) lose nothing.
    """

    def __init__(self) -> None:
        self._tasks: dict[CompositionKey, asyncio.Task[Digest]] = {}

    async def get(
        self, key: CompositionKey, compose: Callable[[], Coroutine[Any, Any, Digest]]
    ) -> Digest:
        task = self._tasks.get(key)
        if task is None:
            task = self._tasks[key] = asyncio.create_task(compose())
        # shield: one waiting server being cancelled must not cancel the others' digest.
        return await asyncio.shield(task)


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
            await self._ledger.mark_posted(*_key(claim), found, self._clock.now())
            return _result(claim, DeliveryStatus.RECOVERED, message_id=found)
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
        due: dict[_Key, ServerSchedule] = {}
        for server in await self._servers.active_schedules():
            day = due_date(server.schedule, now)
            if day is not None and _owed(server, run_at(server.schedule, day)):
                due[(server.platform, server.server_id, day)] = server
        handled = await self._ledger.rows_for(due)
        shared = SharedCompositions()
        return await _gather_results(
            (key, self.deliver(server, key[2], now, shared=shared))
            for key, server in due.items()
            if key not in handled
        )

    async def catch_up(
        self, now: datetime, grace: timedelta, *, stale_before: datetime | None = None
    ) -> list[DeliveryResult]:
        """Start-up: recover crashed claims, post recent missed digests, record older ones.

        ``stale_before`` is when this process started (default ``now``): only claims older
        than that belong to a run that died; younger ones are this process's, in flight.
        """
        active = {(s.platform, s.server_id): s for s in await self._servers.active_schedules()}
        jobs: list[tuple[_Key, Awaitable[DeliveryResult]]] = []
        started = now if stale_before is None else min(stale_before, now)
        for row in await self._ledger.stale_claims(stale_before=started):
            key = (row.platform, row.server_id, row.local_date)
            server = active.get((row.platform, row.server_id))
            jobs.append((key, self._recover(key, server, now, grace, started, row.claimed_at)))
        recovering = {key for key, _ in jobs}
        last_due: dict[_Key, tuple[ServerSchedule, datetime]] = {}
        for server in active.values():
            at = previous_run(server.schedule, now)
            if _owed(server, at):
                day = run_date(server.schedule, at)
                last_due[(server.platform, server.server_id, day)] = (server, at)
        handled = await self._ledger.rows_for(last_due)
        shared = SharedCompositions()
        for key, (server, at) in last_due.items():
            if key in handled or key in recovering:
                continue
            if now - at <= grace:
                jobs.append((key, self.deliver(server, key[2], now, shared=shared)))
            else:
                jobs.append((key, self._miss(server, key[2], at, now, grace)))
        results = await _gather_results(jobs)
        for result in results:
            log.info(
                "catch-up %s/%s %s: %s %s",
                result.platform,
                result.server_id,
                result.local_date,
                result.status.value,
                result.reason or "",
            )
        return results

    # -- steps ----------------------------------------------------------------------------

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
                await self._ledger.mark_skipped(*_key(claim), reason, self._clock.now())
                return _result(claim, DeliveryStatus.SKIPPED, reason=reason)
            if self._carried is not None:
                # Before sending: a correction owes a notice wherever the entry went out.
                ids = [item.entry_id for item in digest.items if item.entry_id is not None]
                await self._carried.record_digest_entries(*_key(claim), ids)
            return await self._post(claim, digest)
        except Exception as error:
            # Anything unexpected (a bug, the database) must not leave the row claimed
            # forever; it is logged with context and the day marked failed.
            log.exception("digest %s/%s %s failed", *_key(claim))
            reason = f"internal error ({type(error).__name__}); see the bot's log"
            await self._ledger.mark_failed(*_key(claim), reason, self._clock.now())
            return _result(claim, DeliveryStatus.FAILED, reason=reason)

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
                await self._ledger.mark_failed(*_key(claim), error.reason, self._clock.now())
                return _result(claim, DeliveryStatus.FAILED, reason=error.reason)
            except (TransientDeliveryError, TimeoutError) as error:
                reason = _transient_reason(error)
                if tries >= self._retry.max_attempts:
                    reason = f"{reason} (gave up after {tries} tries)"
                    await self._ledger.mark_failed(*_key(claim), reason, self._clock.now())
                    return _result(claim, DeliveryStatus.FAILED, reason=reason)
                log.warning("digest %s/%s %s: %s; retrying", *_key(claim), reason)
                await self._ledger.record_attempt_error(*_key(claim), reason)
                await asyncio.sleep(self._retry.delays[tries - 1])
            # A failed try may still have landed (a 500 or timeout after Discord stored it):
            # look before trying again.
            found = await self._look_for(target, marker)
            if found is not None:
                message_id = found
                break
        covers = claim.claimed_at if claim.recovered else None
        await self._ledger.mark_posted(*_key(claim), message_id, self._clock.now(), covers)
        return _result(claim, DeliveryStatus.POSTED, message_id=message_id)

    async def _recover(
        self,
        key: _Key,
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
            return _result(claim, DeliveryStatus.FAILED, reason=reason)
        if found is not None:
            await self._ledger.mark_posted(
                platform, server_id, day, found, self._clock.now(), claim.covers_until
            )
            return _result(claim, DeliveryStatus.RECOVERED, message_id=found)
        if server is not None:
            owed_from = run_at(server.schedule, day)
            if claimed_at is not None and claimed_at > owed_from:
                owed_from = claimed_at  # claimed early or late by /digest now
            if now - owed_from <= grace:
                return await self._fulfil(server.schedule, claim, honour_quiet=True)
        reason = "the bot stopped while posting and came back too late to post it"
        await self._ledger.mark_missed(
            platform, server_id, day, claim.channel_id, reason, self._clock.now()
        )
        return _result(claim, DeliveryStatus.MISSED, reason=reason)

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


_Key = tuple[str, str, date]  # (platform, server id, local date)


def _owed(server: ServerSchedule, due: datetime) -> bool:
    """A run is owed only if the schedule existed at its time (no back-filling on setup)."""
    return server.since is None or due >= server.since


def _key(claim: Claim) -> tuple[str, str, date]:
    return claim.platform, claim.server_id, claim.local_date


def _result(
    claim: Claim,
    status: DeliveryStatus,
    message_id: str | None = None,
    reason: str | None = None,
) -> DeliveryResult:
    return DeliveryResult(
        claim.platform, claim.server_id, claim.local_date, status, message_id, reason
    )


def _transient_reason(error: Exception) -> str:
    if isinstance(error, TransientDeliveryError):
        return error.reason
    return "the platform did not answer in time"


async def _gather_results(
    jobs: Iterable[tuple[_Key, Awaitable[DeliveryResult]]],
) -> list[DeliveryResult]:
    """Run every job concurrently; one job's crash is logged and never stops the others."""
    keyed = list(jobs)
    outcomes = await asyncio.gather(*(job for _, job in keyed), return_exceptions=True)
    results = []
    for ((platform, server_id, day), _), outcome in zip(keyed, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            if not isinstance(outcome, Exception):
                raise outcome  # cancellation and exit pass through
            log.error("digest %s/%s %s failed", platform, server_id, day, exc_info=outcome)
            results.append(
                DeliveryResult(platform, server_id, day, DeliveryStatus.FAILED, reason=str(outcome))
            )
        else:
            results.append(outcome)
    return results
