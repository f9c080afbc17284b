"""What the intake desk hands every surface: queue cards, drafts and outcomes, in words.

Platform-neutral: the adapters only escape and lay these out (embed, Block Kit, terminal).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.claims import claimant_text
from bot.domain.entries import Entry
from bot.domain.errors import Conflict
from bot.intake.render import figure_line
from bot.intake.review import CandidateView
from bot.storage.intake_feeds import Feed


class AlreadyDecided(Conflict):
    """Another editor (or another click) decided the candidate first: nothing changed."""


@dataclass(frozen=True, slots=True)
class Card:
    """One candidate as every surface shows it, with the words already chosen."""

    candidate: CandidateView
    pending: int  # candidates waiting, this one included
    matches: tuple[tuple[str, str], ...]  # similar existing entries: (slug, title)

    @property
    def id(self) -> int:
        return self.candidate.id

    @property
    def reported_by(self) -> str:
        outlets = list(dict.fromkeys(s["name"] for s in self.candidate.sources))
        many = "outlet" if len(outlets) == 1 else "outlets"
        return f"Reported by {len(outlets)} {many}: {', '.join(outlets)}"

    @property
    def figure_lines(self) -> tuple[str, ...]:
        return tuple(figure_line(f) for f in self.candidate.figures)


@dataclass(frozen=True, slots=True)
class Draft:
    """The entry form prefilled from a candidate, in the line formats editors type."""

    candidate_id: int
    raw: dict[str, Any]  # every field, as the form would save it untouched
    sources: str
    figures: str


@dataclass(frozen=True, slots=True)
class Suggested:
    candidate_id: int | None  # None: the article joined a known story or was read before
    title: str


@dataclass(frozen=True, slots=True)
class Merged:
    entry: Entry
    correction: bool  # the entry had gone out in a digest: every channel is told


def _when(moment: datetime | None) -> str:
    return moment.strftime("%d %b %Y %H:%M UTC") if moment else "never"


def feed_lines(feed: Feed) -> tuple[str, str]:
    """A followed feed in words: its name and address, then how its polls went."""
    state = f"paused: {feed.pause_reason}" if feed.paused else f"next poll {_when(feed.next_poll)}"
    return (
        f"{feed.id}. {feed.name} — {feed.url}",
        f"every {feed.every_minutes} min · {state} · last success {_when(feed.last_success)}"
        f" · last error: {feed.last_error or 'none'} · items seen {feed.items_seen}",
    )


def source_lines(raw: Mapping[str, Any]) -> str:
    return "\n".join(f"{s['name']} | {s.get('url') or '-'}" for s in raw["sources"])


def figure_lines(raw: Mapping[str, Any]) -> str:
    return "\n".join(
        f"{f['display']} | {f['counts']} | "
        f"{claimant_text(f['originator'], tuple(f.get('relays', ())))} | {f['status']}"
        for f in raw["figures"]
    )
