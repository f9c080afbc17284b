"""What a digest says, before any platform formats it: one outline for every renderer.

Discord (embeds) and Slack (blocks) lay a digest out differently, but title, scope, the
quiet-day text, which date each item shows, section headings and the footer (which carries
the marker crash recovery looks for) must read the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.digest import Digest, DigestItem, digest_scope, digest_title, item_when, quiet_text
from bot.domain.provenance import dated


@dataclass(frozen=True, slots=True)
class OutlineItem:
    item: DigestItem
    when: str  # the date as the digest shows it


@dataclass(frozen=True, slots=True)
class OutlineSection:
    heading: str
    items: tuple[OutlineItem, ...]


@dataclass(frozen=True, slots=True)
class DigestOutline:
    title: str
    scope: str
    quiet: str | None  # the quiet-day sentence; None when there is news
    latest: OutlineItem | None  # on a quiet day, the most recent entry
    headlines: tuple[OutlineItem, ...]
    sections: tuple[OutlineSection, ...]
    footer: str


def outline(digest: Digest, marker: str | None, more_hint: str) -> DigestOutline:
    """``marker`` goes in the footer (a preview without one says so)."""
    footer = marker or f"preview · {digest.local_date.isoformat()}"
    if digest.omitted:
        footer = f"+{digest.omitted} more: {more_hint} · {footer}"
    latest = digest.latest
    return DigestOutline(
        title=digest_title(digest),
        scope=digest_scope(digest),
        quiet=quiet_text(digest) if digest.is_quiet else None,
        latest=(
            OutlineItem(latest, dated(latest.event_date, latest.date_basis))
            if digest.is_quiet and latest is not None
            else None
        ),
        headlines=tuple(OutlineItem(i, item_when(digest, i)) for i in digest.headlines),
        sections=tuple(
            OutlineSection(
                part.topic.replace("-", " ").capitalize(),
                tuple(OutlineItem(i, item_when(digest, i)) for i in part.items),
            )
            for part in digest.sections
        ),
        footer=footer,
    )
