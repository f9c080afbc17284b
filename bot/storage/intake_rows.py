"""Intake's rows (feeds, items, candidates, poll batches), built and read back without I/O.

Both backends store the same values in the same column order; only the SQL around them
differs, so what a row holds, and what a poll decides to store, is written here once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain.intake_records import (
    Candidate,
    CandidateNotFound,
    DuplicateFeed,
    Feed,
    FeedNotFound,
    FeedOutcome,
    Matcher,
    NewItem,
    PollBatch,
    StoredItem,
)

# What an editor's action leaves a candidate in; "later" (None) keeps it pending.
DECIDED_STATES = {"approve": "approved", "merge": "merged", "reject": "rejected"}


def feed_not_found(ref: str) -> FeedNotFound:
    return FeedNotFound(f"no feed '{ref[:100]}' (see briefbot feeds list)")


def duplicate_feed(url: str) -> DuplicateFeed:
    return DuplicateFeed(f"{url} is already followed")


def candidate_not_found(candidate_id: int) -> CandidateNotFound:
    return CandidateNotFound(f"no candidate {candidate_id} (see briefbot queue list)")


def not_pending(candidate_id: int) -> CandidateNotFound:
    return CandidateNotFound(f"candidate {candidate_id} is not pending")


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in text.split("\n") if w)


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def feed_from_row(row: Any) -> Feed:
    """An ``intake_feeds`` row (by column name; times are ISO text) as a :class:`Feed`."""
    return Feed(
        id=row["id"],
        url=row["url"],
        name=row["name"],
        every_minutes=row["every_minutes"],
        include=_words(row["include_words"]),
        exclude=_words(row["exclude_words"]),
        paused=bool(row["paused"]),
        pause_reason=row["pause_reason"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_success=_when(row["last_success"]),
        last_error=row["last_error"],
        failures=row["failures"],
        items_seen=row["items_seen"],
        next_poll=datetime.fromisoformat(row["next_poll"]),
        body_hash=row["body_hash"],
    )


def new_feed_row(
    url: str,
    name: str,
    every_minutes: int,
    now: datetime,
    include: Sequence[str],
    exclude: Sequence[str],
) -> tuple[Any, ...]:
    """(url, name, every_minutes, include_words, exclude_words, next_poll, created_at): a
    new feed is polled at once."""
    at = now.isoformat()
    return (url, name, every_minutes, "\n".join(include), "\n".join(exclude), at, at)


def paused_row(feed_id: int, paused: bool, reason: str | None, now: datetime) -> tuple[Any, ...]:
    """(paused, pause_reason, next_poll, id): a resumed feed is polled at once and keeps no
    reason."""
    return (int(paused), reason if paused else None, now.isoformat(), feed_id)


def unchanged_rows(outcomes: Iterable[FeedOutcome], now: datetime) -> list[tuple[Any, ...]]:
    """(etag, last_modified, last_success, last_error, next_poll, id) of each feed polled
    with nothing new."""
    return [
        (o.etag, o.last_modified, now.isoformat(), o.problem, o.next_poll.isoformat(), o.feed_id)
        for o in outcomes
    ]


def failure_row(feed_id: int, error: str, next_poll: datetime, pause_after: int) -> tuple[Any, ...]:
    """(last_error, next_poll, pause_after, pause_reason, id) of one more failed poll."""
    reason = f"{pause_after} failures in a row; last: {error}"
    return (error, next_poll.isoformat(), pause_after, reason, feed_id)


def polled_row(feed: FeedOutcome, now: datetime, stored: int) -> tuple[Any, ...]:
    """(etag, last_modified, body_hash, last_success, last_error, items_seen increment,
    next_poll, id) of a feed whose poll stored ``stored`` new items."""
    return (
        feed.etag,
        feed.last_modified,
        feed.body_hash,
        now.isoformat(),
        feed.problem,
        stored,
        feed.next_poll.isoformat(),
        feed.feed_id,
    )


@dataclass(slots=True)
class PollRows:
    """A poll's new candidates (id, title, signature, queued_at, created_at), its items
    (key, feed_id, outlet, url, title, published, body, draft, candidate_id, fetched_at),
    and the ids of the candidates it started, oldest first."""

    candidates: list[tuple[int, str, bytes, str, str]] = field(default_factory=list)
    items: list[tuple[Any, ...]] = field(default_factory=list)
    created: list[int] = field(default_factory=list)


def poll_rows(
    items: Sequence[NewItem],
    seen: set[str],
    matcher: Matcher,
    next_id: int,
    feed_id: int | None,
    now: datetime,
) -> PollRows:
    """What a poll stores: each item not ``seen`` before (nor earlier in ``items``) joins the
    story ``matcher`` finds for it or starts a new candidate, numbered from ``next_id``.

    ``seen`` and ``matcher`` learn the new items, so a later item of the same story joins it.
    """
    rows = PollRows()
    at = now.isoformat()
    for item in items:
        if item.key in seen:
            continue
        seen.add(item.key)
        candidate = matcher.match_bytes(item.signature)
        if candidate is None:
            candidate, next_id = next_id, next_id + 1
            rows.candidates.append((candidate, item.title, item.signature, at, at))
            matcher.add_bytes(candidate, item.signature)
            rows.created.append(candidate)
        rows.items.append(
            (item.key, feed_id, item.outlet, item.url, item.title, item.published, item.body,
             json.dumps(item.draft), candidate, at)
        )  # fmt: skip
    return rows


def stored_item(row: Any) -> StoredItem:
    """An item row (outlet, url, title, published, draft) as the queue shows it."""
    return StoredItem(row[0], row[1], row[2], row[3], json.loads(row[4]))


def candidate_from_row(row: Any, items: Iterable[Any]) -> Candidate:
    """An ``intake_candidates`` row (by column name) with its item rows."""
    return Candidate(
        row["id"],
        row["state"],
        row["title"],
        datetime.fromisoformat(row["queued_at"]),
        tuple(stored_item(item) for item in items),
    )


def batch_from_row(row: Any, count: int, titles: Iterable[str]) -> PollBatch:
    """An ``intake_batches`` row (id, first_candidate, last_candidate, created_at) with the
    count and first titles of its candidates still pending."""
    return PollBatch(row[0], row[1], row[2], count, tuple(titles), datetime.fromisoformat(row[3]))
