"""Intake's stored values: feeds, items, candidates, the newsroom's poll notices, leases.

Storage backends keep them and the intake use cases read them through the ports
(:mod:`bot.ports.intake`), so they live here, free of any backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.domain.errors import Conflict, NotFound


class FeedNotFound(NotFound):
    """No feed with that id or address."""


class DuplicateFeed(Conflict, ValueError):
    """The feed is already followed."""


class CandidateNotFound(NotFound):
    """No candidate with that id."""


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    url: str
    name: str
    every_minutes: int
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    paused: bool
    pause_reason: str | None
    etag: str | None
    last_modified: str | None
    last_success: datetime | None
    last_error: str | None
    failures: int
    items_seen: int
    next_poll: datetime
    body_hash: str | None = None


class Matcher(Protocol):
    """Groups an item with a known story (the intake's clustering, handed in)."""

    def match_bytes(self, signature: bytes) -> int | None: ...
    def add_bytes(self, key: int, signature: bytes) -> None: ...


@dataclass(frozen=True, slots=True)
class Decision:
    """An editor's decision on a candidate that changes an entry (approve, merge): the entry
    store records it in the same transaction as the change, on the condition that the
    candidate is still pending, so of two editors deciding at once exactly one applies."""

    candidate_id: int
    action: str
    actor: str


@dataclass(frozen=True, slots=True)
class NewItem:
    key: str
    outlet: str
    url: str | None
    title: str
    published: str | None
    body: str
    draft: dict[str, Any]
    signature: bytes


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """How a successful poll leaves its feed."""

    feed_id: int
    etag: str | None
    last_modified: str | None
    problem: str | None
    next_poll: datetime
    # A digest of the body as fetched: the same bytes next time need no parsing at all
    # (many servers send neither ETag nor Last-Modified).
    body_hash: str | None = None


@dataclass(frozen=True, slots=True)
class StoredItem:
    outlet: str
    url: str | None
    title: str
    published: str | None
    draft: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    state: str
    title: str
    queued_at: datetime
    items: tuple[StoredItem, ...]


NOTICE_TITLES = 3


@dataclass(frozen=True, slots=True)
class PollBatch:
    """The candidates one poll created (or a crashed poll left unannounced): the newsroom
    hears of them in ONE message per platform."""

    id: int
    first_candidate: int
    last_candidate: int
    count: int  # of its candidates still pending (the others need nobody's attention)
    titles: tuple[str, ...]  # the first NOTICE_TITLES of those, oldest first
    created_at: datetime


QUEUE_COMMAND = "/brief-admin queue"


def batch_marker(batch_id: int) -> str:
    """The text the notice carries (Discord's footer, Slack's context), found after a crash."""
    return f"intake · poll {batch_id}"


def notice_text(batch: PollBatch, command: str = QUEUE_COMMAND, limit: int = NOTICE_TITLES) -> str:
    """ "3 new candidates to review: A; B; C — /brief-admin queue" (titles are the feeds'
    words: each platform escapes them; ``command`` is how its editors open the queue)."""
    noun = "candidate" if batch.count == 1 else "candidates"
    shown = "; ".join(t[:120] for t in batch.titles[:limit])
    more = f" and {batch.count - limit} more" if batch.count > limit else ""
    return f"{batch.count} new {noun} to review: {shown}{more} — {command}"
