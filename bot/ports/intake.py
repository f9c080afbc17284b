"""Intake ports: the feeds followed, the review queue, the newsroom's poll notices, leases.

A backend must make each method atomic. In particular ``record_items`` stores a feed's items,
their candidates and the feed's new poll state in ONE transaction (a poll killed midway
keeps the old ETag, so the items are fetched again rather than lost), and an item key is
stored at most once, whoever polls.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.intake_records import Candidate, Feed, FeedOutcome, Matcher, NewItem, PollBatch


class IntakeFeeds(Protocol):
    async def add(
        self,
        url: str,
        name: str,
        every_minutes: int,
        now: datetime,
        include: tuple[str, ...] = (),
        exclude: tuple[str, ...] = (),
    ) -> Feed:
        """Raises ``DuplicateFeed`` for an address already followed."""
        ...

    async def get(self, ref: str) -> Feed:
        """By id (digits) or address; raises ``FeedNotFound``."""
        ...

    async def all(self) -> list[Feed]: ...

    async def due(self, now: datetime) -> list[Feed]:
        """Feeds not paused whose next poll is at or before ``now``, soonest first."""
        ...

    async def remove(self, ref: str) -> Feed: ...

    async def set_paused(
        self, ref: str, paused: bool, reason: str | None, now: datetime
    ) -> Feed: ...

    async def record_failure(
        self, feed_id: int, error: str, next_poll: datetime, pause_after: int
    ) -> None:
        """One more failure; after ``pause_after`` in a row the feed pauses, saying why."""
        ...

    async def record_unchanged(self, outcomes: list[FeedOutcome], now: datetime) -> None:
        """Successful polls that brought nothing new (one write for many feeds): validators
        kept unless new ones came, failures cleared, next poll set; items seen unchanged."""
        ...


class IntakeQueue(Protocol):
    async def signatures(self, since: datetime, after: int = 0) -> list[tuple[int, bytes]]:
        """(candidate id, story signature) of every candidate created since, any state,
        whose id is above ``after`` (what a poller has not read yet), by id."""
        ...

    async def known_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` are stored already (seen items need no work at all)."""
        ...

    async def record_items(
        self, items: list[NewItem], matcher: Matcher, now: datetime, feed: FeedOutcome | None
    ) -> list[int]:
        """Store the items not seen before, each joined to its story (``matcher``) or
        starting one; the new candidates' ids. With ``feed``, that feed's poll state is
        updated in the same transaction."""
        ...

    async def pending(self, limit: int = 50) -> list[Candidate]:
        """Pending candidates, the longest waiting first."""
        ...

    async def get(self, candidate_id: int) -> Candidate: ...

    async def decide(
        self,
        candidate_id: int,
        action: str,
        actor: str,
        now: datetime,
        reason: str | None = None,
        entry_slug: str | None = None,
    ) -> None:
        """Record a decision on a pending candidate (raises ``CandidateNotFound`` otherwise);
        ``later`` keeps it pending at the back of the queue."""
        ...

    async def purge_bodies(self, before: datetime) -> int:
        """Retention: drop raw text fetched before ``before``; keys and drafts stay."""
        ...


class PollNotices(Protocol):
    """Exactly one newsroom message per poll and platform, whatever crashes."""

    async def close_poll(self, now: datetime) -> PollBatch | None:
        """After a poll: one batch of every candidate no batch covers yet (None if none)."""
        ...

    async def pending_batches(self, platform: str, since: datetime) -> list[PollBatch]:
        """Batches created since ``since`` that ``platform`` has not claimed, oldest first."""
        ...

    async def claim(self, batch_id: int, platform: str, channel_id: str, now: datetime) -> bool:
        """Of any number of callers for one (batch, platform) exactly one gets True."""
        ...

    async def stale_claims(self, platform: str, before: datetime) -> list[PollBatch]:
        """Batches claimed before ``before`` and never finished (a sender that died)."""
        ...

    async def reclaim_stale(
        self, batch_id: int, platform: str, before: datetime, now: datetime
    ) -> bool: ...

    async def mark_posted(
        self, batch_id: int, platform: str, message_id: str, now: datetime
    ) -> None: ...

    async def mark_failed(
        self, batch_id: int, platform: str, reason: str, now: datetime
    ) -> None: ...

    async def mark_skipped(self, batch_id: int, platform: str, now: datetime) -> None:
        """Nothing left to tell (every candidate of the batch was decided meanwhile)."""
        ...

    async def status(self, batch_id: int, platform: str) -> tuple[str, str | None] | None:
        """(status, message id) of the notice, None when never claimed."""
        ...


class Leases(Protocol):
    """A named lease: at most one holder at a time; it lapses at its expiry (a holder that
    died hands over), and only the holder renews or releases it."""

    async def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take the lease if free or expired, or extend it if ``holder`` has it."""
        ...

    async def renew(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Extend it only if ``holder`` still has it (False: it was lost)."""
        ...

    async def release(self, name: str, holder: str) -> None: ...

    async def holder(self, name: str, now: datetime) -> str | None:
        """Who has it now (None when free or expired)."""
        ...
