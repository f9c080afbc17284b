"""Sending correction notices exactly once per channel: claim, post, record (as digests).

A notice row exists from the moment the correction is saved (same transaction as the edit).
The sender claims it before posting (one ``BEGIN IMMEDIATE`` transaction: of two senders one
wins), posts with a nonce fixed by the notice (Discord drops a duplicate), and records the
message. A crash leaves the row ``claimed``: at start-up the channel is searched for the
notice's marker and the notice is posted only if it is not there.

Each platform runs its own sender over its own notices; a background loop picks up notices
owed by a correction saved on another platform, and an edit on this one wakes it at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.clock import Clock
from bot.delivery import (
    DeliveryTarget,
    PermanentDeliveryError,
    RetryPolicy,
    TransientDeliveryError,
)
from bot.domain.corrections import CorrectionNotice, notice_marker
from bot.domain.ledger import NoticeKey
from bot.ports.corrections import CorrectionNotices

log = logging.getLogger(__name__)

POLL_SECONDS = 30.0


class NoticePoster(Protocol):
    """The platform port for notices: post one, and find one posted earlier."""

    async def post_notice(
        self, target: DeliveryTarget, notice: CorrectionNotice, nonce: str, marker: str
    ) -> str:
        """Post ``notice`` carrying ``marker``; return the message id (raises delivery errors)."""
        ...

    async def find_posted(self, target: DeliveryTarget, marker: str) -> str | None:
        """The id of our recent message in the channel carrying ``marker``, if any."""
        ...


class NoticeBell:
    """Rung when a correction is saved, so the sender sends what is owed at once."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def ring(self) -> None:
        self._event.set()

    async def wait(self, seconds: float) -> None:
        """Until rung or ``seconds`` pass.

        ``asyncio.timeout``, not ``wait_for``: on Python 3.11 ``wait_for`` drops a cancellation
        that arrives as its awaitable finishes, and the sender would never stop.
        """
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._event.wait()
        self._event.clear()


@dataclass(frozen=True, slots=True)
class NoticeResult:
    key: NoticeKey
    status: str  # posted, recovered, failed, not claimed
    message_id: str | None = None
    reason: str | None = None


def notice_nonce(key: NoticeKey) -> str:
    """A nonce fixed by the notice, so Discord drops a duplicate send."""
    text = ":".join(str(value) for value in key.values)
    return ("cn" + hashlib.sha256(text.encode()).hexdigest())[:24]


class CorrectionSender:
    """Sends owed notices; ``recover`` finishes the ones a crashed run left claimed."""

    def __init__(
        self,
        ledger: CorrectionNotices,
        poster: NoticePoster,
        clock: Clock,
        bell: NoticeBell,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._ledger = ledger
        self._poster = poster
        self._clock = clock
        self._bell = bell
        self._retry = retry or RetryPolicy()

    async def run(self, started: datetime, poll: float = POLL_SECONDS) -> None:
        """Recover crashed claims, then send owed notices whenever woken or every ``poll`` s."""
        await self.recover(started)
        while True:
            try:
                await self.send_pending()
            except Exception:  # the loop must outlive a database hiccup; logged, retried
                log.exception("sending correction notices failed; trying again later")
            await self._bell.wait(poll)

    async def send_pending(self) -> list[NoticeResult]:
        results = []
        for key in await self._ledger.pending():
            if not await self._ledger.claim(key, self._clock.now()):
                results.append(NoticeResult(key, "not claimed"))
                continue
            results.append(await self._fulfil(key))
        return results

    async def recover(self, stale_before: datetime) -> list[NoticeResult]:
        """Claims older than ``stale_before`` (this process's start) belong to a run that died."""
        results = []
        for key in await self._ledger.stale_claims(stale_before):
            if not await self._ledger.reclaim_stale(key, stale_before, self._clock.now()):
                continue
            target = DeliveryTarget(key.platform, key.server_id, key.channel_id)
            try:
                found = await self._poster.find_posted(
                    target, notice_marker(key.entry_id, key.revision)
                )
            except (PermanentDeliveryError, TransientDeliveryError) as error:
                # Posting blind could double the notice, so an unchecked channel fails it.
                reason = f"could not check the channel for an earlier post: {error.reason}"
                await self._ledger.mark_failed(key, reason, self._clock.now())
                results.append(NoticeResult(key, "failed", reason=reason))
                continue
            if found is not None:
                await self._ledger.mark_posted(key, found, self._clock.now())
                results.append(NoticeResult(key, "recovered", found))
            else:
                results.append(await self._fulfil(key))
        return results

    async def _fulfil(self, key: NoticeKey) -> NoticeResult:
        try:
            notice = await self._ledger.notice(key)
            if notice is None:
                raise PermanentDeliveryError("the corrected revision no longer exists")
            return await self._post(key, notice)
        except PermanentDeliveryError as error:
            await self._ledger.mark_failed(key, error.reason, self._clock.now())
            return NoticeResult(key, "failed", reason=error.reason)
        except Exception as error:
            # Never leave a row claimed forever by a bug: logged, and the notice failed.
            log.exception("correction notice %s failed", key)
            reason = f"internal error ({type(error).__name__}); see the bot's log"
            await self._ledger.mark_failed(key, reason, self._clock.now())
            return NoticeResult(key, "failed", reason=reason)

    async def _post(self, key: NoticeKey, notice: CorrectionNotice) -> NoticeResult:
        target = DeliveryTarget(key.platform, key.server_id, key.channel_id)
        marker = notice_marker(key.entry_id, key.revision)
        for tries, delay in enumerate((*self._retry.delays, None), start=1):
            try:
                async with asyncio.timeout(self._retry.attempt_timeout):  # see NoticeBell.wait
                    message_id = await self._poster.post_notice(
                        target, notice, notice_nonce(key), marker
                    )
            except (TransientDeliveryError, TimeoutError) as error:
                reason = getattr(error, "reason", "the platform did not answer in time")
                if delay is None:
                    raise PermanentDeliveryError(
                        f"{reason} (gave up after {tries} tries)"
                    ) from None
                log.warning("correction notice %s: %s; retrying", key, reason)
                await asyncio.sleep(delay)
                # A failed try may have landed all the same: look before trying again.
                with contextlib.suppress(PermanentDeliveryError, TransientDeliveryError):
                    found = await self._poster.find_posted(target, marker)
                    if found is not None:
                        message_id = found
                        break
                continue
            break
        await self._ledger.mark_posted(key, message_id, self._clock.now())
        return NoticeResult(key, "posted", message_id)
