"""Small values the intake contract tests build items and stories from (any backend)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.intake_records import FeedOutcome, NewItem
from tests.contract.conftest import NOW


class SameStory:
    """A matcher for the contract: items with equal signatures are one story (the real
    clustering is the intake's, not the backend's)."""

    def __init__(self, known: list[tuple[int, bytes]] | None = None) -> None:
        self.stories: dict[bytes, int] = {sig: key for key, sig in known or []}

    def match_bytes(self, signature: bytes) -> int | None:
        return self.stories.get(signature)

    def add_bytes(self, key: int, signature: bytes) -> None:
        self.stories.setdefault(signature, key)


def item(key: str, story: str = "", outlet: str = "Wire", title: str = "") -> NewItem:
    return NewItem(
        key=key,
        outlet=outlet,
        url=f"https://news.example/{key}",
        title=title or f"Story {story or key}",
        published="2026-03-01",
        body=f"Text of {key}",
        draft={"summary": f"Lead of {key}", "figures": [{"value": "1,500"}]},
        signature=(story or key).encode(),
    )


def outcome(feed_id: int, etag: str | None = "e1", problem: str | None = None) -> FeedOutcome:
    return FeedOutcome(
        feed_id, etag, "Mon, 02 Mar 2026 08:00:00 GMT", problem, NOW + timedelta(minutes=15),
        body_hash="h1",
    )  # fmt: skip


def later(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)
