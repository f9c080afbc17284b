"""The delivery port and its values: what a platform's poster implements, what a delivery
returns, and the small rules (nonce, marker, what is owed) that delivery and recovery share."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from bot.domain.digest import Digest
from bot.domain.ledger import Claim
from bot.domain.servers import ServerSchedule

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


DeliveryKey = tuple[str, str, date]  # (platform, server id, local date)


def owed(server: ServerSchedule, due: datetime) -> bool:
    """A run is owed only if the schedule existed at its time (no back-filling on setup)."""
    return server.since is None or due >= server.since


def claim_key(claim: Claim) -> tuple[str, str, date]:
    return claim.platform, claim.server_id, claim.local_date


def claim_result(
    claim: Claim,
    status: DeliveryStatus,
    message_id: str | None = None,
    reason: str | None = None,
) -> DeliveryResult:
    return DeliveryResult(
        claim.platform, claim.server_id, claim.local_date, status, message_id, reason
    )


def transient_reason(error: Exception) -> str:
    if isinstance(error, TransientDeliveryError):
        return error.reason
    return "the platform did not answer in time"


async def gather_results(
    jobs: Iterable[tuple[DeliveryKey, Awaitable[DeliveryResult]]],
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
