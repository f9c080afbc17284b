"""The newsroom's poll notice: ONE message per poll that found new candidates, per platform.

Like correction notices (:mod:`bot.corrections`): each platform claims a poll's batch before
posting (of any number of senders, in any number of processes, exactly one wins), posts
with a nonce fixed by the batch, and records the message. A sender that died after claiming
leaves the claim: the next start looks for the batch's marker in the channel and posts only
if it is not there.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.corrections import NoticeBell
from bot.delivery_port import (
    DeliveryTarget,
    PermanentDeliveryError,
    RetryPolicy,
    TransientDeliveryError,
)
from bot.domain.intake_records import PollBatch, batch_marker
from bot.ports.intake import PollNotices

log = logging.getLogger(__name__)

POLL_SECONDS = 30.0
# A channel set up today is not flooded with the notices of last month's polls.
LOOKBACK = timedelta(days=1)


class IntakePoster(Protocol):
    """The platform port for poll notices (Discord, Slack and memory posters have it)."""

    async def post_intake(
        self, target: DeliveryTarget, batch: PollBatch, nonce: str, marker: str
    ) -> str:
        """Post the notice (no pings) carrying ``marker``; the message id."""
        ...

    async def find_posted(self, target: DeliveryTarget, marker: str) -> str | None: ...


def batch_nonce(platform: str, batch_id: int) -> str:
    text = f"intake:{platform}:{batch_id}"
    return ("in" + hashlib.sha256(text.encode()).hexdigest())[:24]


async def _no_wait() -> None:
    return None


class IntakeNotifier:
    """Sends one platform's owed poll notices into its newsroom intake channel."""

    def __init__(
        self,
        notices: PollNotices,
        poster: IntakePoster,
        target: DeliveryTarget,
        clock: Clock,
        bell: NoticeBell,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._notices, self._poster, self.target = notices, poster, target
        self._clock, self._bell = clock, bell
        self._retry = retry or RetryPolicy()

    @property
    def platform(self) -> str:
        return self.target.platform

    async def run(
        self,
        started: datetime,
        ready: Callable[[], Awaitable[None]] = _no_wait,
        poll: float = POLL_SECONDS,
    ) -> None:
        """Finish what a dead sender claimed, then send whenever rung or every ``poll`` s."""
        await ready()
        await self.recover(started)
        while True:
            try:
                await self.send_pending()
            except Exception:  # the loop must outlive a database hiccup; logged, retried
                log.exception("sending intake notices failed; trying again later")
            await self._bell.wait(poll)

    async def send_pending(self) -> list[str]:
        """Claim and post every batch owed; the statuses, one per batch."""
        now = self._clock.now()
        results = []
        for batch in await self._notices.pending_batches(self.platform, now - LOOKBACK):
            if not await self._notices.claim(batch.id, self.platform, self.target.channel_id, now):
                results.append("not claimed")
                continue
            results.append(await self._fulfil(batch))
        return results

    async def recover(self, stale_before: datetime) -> list[str]:
        """Claims older than ``stale_before`` (this process's start) belong to a dead run."""
        results = []
        for batch in await self._notices.stale_claims(self.platform, stale_before):
            now = self._clock.now()
            if not await self._notices.reclaim_stale(batch.id, self.platform, stale_before, now):
                continue
            try:
                found = await self._poster.find_posted(self.target, batch_marker(batch.id))
            except (PermanentDeliveryError, TransientDeliveryError) as error:
                # Posting blind could double the notice, so an unchecked channel fails it.
                reason = f"could not check the channel for an earlier post: {error.reason}"
                await self._notices.mark_failed(batch.id, self.platform, reason, now)
                results.append("failed")
                continue
            if found is not None:
                await self._notices.mark_posted(batch.id, self.platform, found, now)
                results.append("recovered")
            else:
                results.append(await self._fulfil(batch))
        return results

    async def _fulfil(self, batch: PollBatch) -> str:
        if batch.count == 0:  # every candidate was decided meanwhile: nobody to call
            await self._notices.mark_skipped(batch.id, self.platform, self._clock.now())
            return "skipped"
        try:
            message_id = await self._post(batch)
        except PermanentDeliveryError as error:
            log.warning("intake notice %s on %s failed: %s", batch.id, self.platform, error)
            reason = error.reason
        except Exception as error:
            # Never leave a claim forever by a bug: logged, and the notice failed.
            log.exception("intake notice %s failed", batch.id)
            reason = f"internal error ({type(error).__name__}); see the bot's log"
        else:
            await self._notices.mark_posted(batch.id, self.platform, message_id, self._clock.now())
            return "posted"
        await self._notices.mark_failed(batch.id, self.platform, reason, self._clock.now())
        return "failed"

    async def _post(self, batch: PollBatch) -> str:
        marker = batch_marker(batch.id)
        nonce = batch_nonce(self.platform, batch.id)
        delays, tries = iter(self._retry.delays), 0
        while True:
            tries += 1
            try:
                async with asyncio.timeout(self._retry.attempt_timeout):  # see NoticeBell.wait
                    return await self._poster.post_intake(self.target, batch, nonce, marker)
            except (TransientDeliveryError, TimeoutError) as error:
                reason = getattr(error, "reason", "the platform did not answer in time")
                delay = next(delays, None)
                if delay is None:
                    raise PermanentDeliveryError(
                        f"{reason} (gave up after {tries} tries)"
                    ) from None
                await asyncio.sleep(delay)
            # A failed try may have landed all the same: look before trying again.
            with contextlib.suppress(PermanentDeliveryError, TransientDeliveryError):
                found = await self._poster.find_posted(self.target, marker)
                if found is not None:
                    return found


@dataclass
class IntakeNotices:
    """Shared by a run's platforms: each gets a notifier, a finished poll rings them all."""

    notices: PollNotices
    clock: Clock
    retry: RetryPolicy | None = None
    bells: list[NoticeBell] = field(default_factory=list)

    def ring(self) -> None:
        for bell in self.bells:
            bell.ring()

    def notifier(self, poster: IntakePoster, target: DeliveryTarget) -> IntakeNotifier:
        bell = NoticeBell()
        self.bells.append(bell)
        return IntakeNotifier(self.notices, poster, target, self.clock, bell, self.retry)

    @contextlib.asynccontextmanager
    async def serving(
        self,
        poster: IntakePoster,
        target: DeliveryTarget,
        ready: Callable[[], Awaitable[None]] = _no_wait,
    ) -> AsyncIterator[IntakeNotifier]:
        """The platform's notifier running in the background until the block ends."""
        notifier = self.notifier(poster, target)
        task = asyncio.create_task(notifier.run(self.clock.now(), ready), name="intake-notices")
        try:
            yield notifier
        finally:
            task.cancel()
            for outcome in await asyncio.gather(task, return_exceptions=True):
                if isinstance(outcome, Exception):
                    log.error("intake notices had stopped", exc_info=outcome)
