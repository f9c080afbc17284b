"""The digest composer: what a day (or the time since the last digest) brought, structured.

Pure: it receives the window's entries and the figure claims about the quantities they
touch, and returns a :class:`Digest` that renderers (text, Markdown, Discord embeds) draw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.entries import Entry, FigureClaim, Source, Status
from bot.domain.figures import FigureGroup, group_claims
from bot.domain.provenance import DateBasis, dated
from bot.domain.schedule import local_date

HEADLINE_COUNT = 3
# A digest points at the numbers that moved; the full tracker is /brief figures.
MAX_FIGURE_GROUPS = 8
MAX_CLAIMS_PER_GROUP = 6


class DigestKind(StrEnum):
    """What a digest's window means: new to the record (scheduled), or what happened on a day."""

    NEW = "new"
    EVENTS = "events"


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One development as the digest shows it; ``recorded_on`` is the local day it entered
    the record (None when unknown), so an old event recorded today is not passed off as new."""

    slug: str
    title: str
    summary: str
    status: Status
    importance: int
    event_date: date
    topic: str
    date_basis: DateBasis = DateBasis.SOURCE
    recorded_on: date | None = None
    entry_id: int | None = None

    @classmethod
    def of(cls, entry: Entry, tz: ZoneInfo | None = None) -> DigestItem:
        content = entry.content
        return cls(
            slug=content.slug,
            title=content.title,
            summary=content.summary,
            status=content.status,
            importance=content.importance,
            event_date=content.event_date,
            topic=content.topics[0],
            date_basis=content.event_date_basis,
            recorded_on=local_date(entry.created_at, tz) if tz is not None else None,
            entry_id=entry.id,
        )


@dataclass(frozen=True, slots=True)
class DigestSection:
    topic: str
    items: tuple[DigestItem, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    """A composed digest. ``omitted`` counts developments left out to fit the size budget."""

    local_date: date
    headlines: tuple[DigestItem, ...]
    sections: tuple[DigestSection, ...]
    key_figures: tuple[FigureGroup, ...]
    sources: tuple[Source, ...]
    omitted: int = 0
    latest: DigestItem | None = None
    kind: DigestKind = DigestKind.NEW

    @property
    def is_quiet(self) -> bool:
        """True when nothing new happened in the window."""
        return not self.sections and self.omitted == 0

    @property
    def items(self) -> tuple[DigestItem, ...]:
        return tuple(item for section in self.sections for item in section.items)


@dataclass(frozen=True, slots=True)
class DigestOptions:
    """What to compose: the local day it is for, a topic filter, a size budget, the kind
    of digest and the zone whose local days say when an entry was recorded."""

    local_date: date
    topics: tuple[str, ...] = ()
    budget: int | None = None
    kind: DigestKind = DigestKind.NEW
    tz: ZoneInfo | None = None


Measure = Callable[[Digest], int]


def compose_digest(
    entries: Sequence[Entry],
    claims: Sequence[FigureClaim],
    options: DigestOptions,
    latest: Entry | None = None,
    measure: Measure | None = None,
) -> Digest:
    """Compose the digest of ``entries`` (the window), trimmed to ``options.budget``.

    ``claims`` are every claim about the quantities the window's figures touch (from the
    whole archive, so conflicting numbers stand side by side). ``latest`` is the most recent
    entry overall, shown on a quiet day. ``measure`` tells the size of a rendered digest
    (e.g. the characters of the Discord embeds) so trimming matches what is really sent.
    """
    chosen = [e for e in entries if matches_topics(e, options.topics) and not e.is_deleted]
    chosen.sort(key=_priority)
    items = [DigestItem.of(entry, options.tz) for entry in chosen]
    digest = Digest(
        local_date=options.local_date,
        headlines=(),
        sections=(),
        key_figures=_key_figures(claims, chosen),
        sources=(),
        latest=DigestItem.of(latest) if latest is not None and not items else None,
        kind=options.kind,
    )
    digest = _with_items(digest, items, chosen, omitted=0)
    if options.budget is None or measure is None:
        return digest
    return _trim(digest, items, chosen, options.budget, measure)


def digest_title(digest: Digest) -> str:
    """``Briefing digest — Monday 21 October 2024`` (new to the record) or ``What happened on
    Monday 21 October 2024`` (a dated digest, by event date)."""
    if digest.kind is DigestKind.EVENTS:
        return f"What happened on {digest.local_date:%A %d %B %Y}"
    return f"Briefing digest — {digest.local_date:%A %d %B %Y}"


def digest_scope(digest: Digest) -> str:
    """One line under the title saying what the digest lists."""
    if digest.kind is DigestKind.EVENTS:
        return "Entries whose event date is this day, whenever they were recorded."
    return "New to the record since the last digest."


def quiet_text(digest: Digest) -> str:
    if digest.kind is DigestKind.EVENTS:
        return f"Nothing in the record happened on {digest.local_date:%d %B %Y}."
    return "No new developments since the last digest."


def item_when(digest: Digest, item: DigestItem) -> str:
    """When a development happened, as the digest shows it.

    In a digest of what is new to the record, an older event says so: ``recorded today ·
    event of 19 Jun 2024, date from public record``; otherwise the event date, with its
    note when the source does not state it (``21 Oct 2024, date of the report``).
    """
    when = dated(item.event_date, item.date_basis)
    if digest.kind is DigestKind.EVENTS or item.event_date >= digest.local_date:
        return when
    if item.recorded_on is None or item.recorded_on == digest.local_date:
        return f"recorded today · event of {when}"
    return f"recorded {item.recorded_on:%d %b %Y} · event of {when}"


def key_subjects(entries: Sequence[Entry], limit: int | None = MAX_FIGURE_GROUPS) -> list[str]:
    """The figure subjects of the most important developments first (at most ``limit``)."""
    rank: dict[str, int] = {}
    for entry in sorted(entries, key=_priority):
        for figure in entry.content.figures:
            rank.setdefault(figure.subject, len(rank))
    return sorted(rank, key=rank.__getitem__)[:limit]


def _key_figures(claims: Sequence[FigureClaim], chosen: list[Entry]) -> tuple[FigureGroup, ...]:
    """The figure groups of the window's most important developments first, capped."""
    rank = {subject: i for i, subject in enumerate(key_subjects(chosen, limit=None))}
    groups = sorted(group_claims(claims), key=lambda g: rank.get(g.subject, len(rank)))
    return tuple(
        replace(group, claims=group.claims[:MAX_CLAIMS_PER_GROUP])
        for group in groups[:MAX_FIGURE_GROUPS]
    )


def matches_topics(entry: Entry, topics: tuple[str, ...]) -> bool:
    """True if the entry falls under the topic filter (an empty filter takes everything)."""
    return not topics or any(topic in topics for topic in entry.content.topics)


def _priority(entry: Entry) -> tuple[int, int, int]:
    content = entry.content
    return (-content.importance, -content.event_date.toordinal(), -entry.id)


def _with_items(
    digest: Digest, items: list[DigestItem], entries: list[Entry], omitted: int
) -> Digest:
    sections: dict[str, list[DigestItem]] = {}
    for item in items:
        sections.setdefault(item.topic, []).append(item)
    sources: dict[str, Source] = {}
    for entry in entries:
        for source in entry.content.sources:
            sources.setdefault(source.url or source.name, source)
    headlines = tuple(item for item in items if item.importance >= 2)[:HEADLINE_COUNT]
    return replace(
        digest,
        headlines=headlines or tuple(items[:1]),
        sections=tuple(DigestSection(topic, tuple(group)) for topic, group in sections.items()),
        sources=tuple(sources.values()),
        omitted=omitted,
    )


def _trim(
    digest: Digest, items: list[DigestItem], entries: list[Entry], budget: int, measure: Measure
) -> Digest:
    """Keep the most important developments that fit, then drop figure groups if needed.

    Items are in priority order, so the kept ones are a prefix: a binary search over its
    length needs about log2(n) renderings instead of one per dropped item (a busy day for
    thousands of servers would otherwise cost n² renderings each).
    """
    if measure(digest) > budget and len(items) > 1:
        digest = _longest_fitting_prefix(digest, items, entries, budget, measure)
    groups = list(digest.key_figures)
    while measure(digest) > budget and groups:
        groups.pop()
        digest = replace(digest, key_figures=tuple(groups))
    return digest


def _longest_fitting_prefix(
    digest: Digest, items: list[DigestItem], entries: list[Entry], budget: int, measure: Measure
) -> Digest:
    def keeping(count: int) -> Digest:
        return _with_items(digest, items[:count], entries[:count], len(items) - count)

    best = keeping(1)  # the most important development is always shown
    low, high = 2, len(items) - 1
    while low <= high:
        middle = (low + high) // 2
        candidate = keeping(middle)
        if measure(candidate) <= budget:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best
