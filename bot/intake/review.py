"""The review queue use case: an editor approves, merges, rejects or defers a candidate.

Nothing from intake reaches readers without one of these decisions. Approval goes through
the same validation as an editor's form; a decision is recorded in the database with who
made it, so a rejected story stays rejected when it is reported again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot.clock import Clock
from bot.domain.corrections import EditKind
from bot.domain.entries import Entry
from bot.domain.errors import DuplicateSlug, InvalidInput
from bot.domain.intake_records import Candidate, CandidateNotFound, Decision
from bot.domain.text import slugify
from bot.intake.drafts import raw_figure
from bot.ports.intake import IntakeQueue
from bot.service import BriefingService
from bot.storage.codec import content_dict

MAX_FIGURES = 20
DEFAULT_IMPORTANCE = 2


class ReviewProblem(InvalidInput):
    """A decision that cannot be made as asked; the message says what to do."""


@dataclass(frozen=True, slots=True)
class CandidateView:
    """What an editor sees: the draft, every source, the figures with claimants."""

    id: int
    title: str
    summary: str
    event_date: str
    date_basis: str
    topics: tuple[str, ...]
    actors: tuple[str, ...]
    sources: tuple[dict[str, Any], ...]
    figures: tuple[dict[str, Any], ...]
    matches: tuple[str, ...] = field(default=())


def view(candidate: Candidate) -> CandidateView:
    """The candidate's first report as the draft, sources and figures from every report."""
    first = candidate.items[0].draft if candidate.items else {}
    figures: dict[tuple[str, str, str], dict[str, Any]] = {}
    topics: dict[str, None] = dict.fromkeys(first.get("topics", []))
    actors: dict[str, None] = dict.fromkeys(first.get("actors", []))
    for item in candidate.items:
        topics.update(dict.fromkeys(item.draft.get("topics", [])))
        actors.update(dict.fromkeys(item.draft.get("actors", [])))
        for figure in item.draft.get("figures", []):
            key = (figure["value"].lower(), figure["quantity"].lower(), figure["claimant"])
            figures.setdefault(key, {**figure, "outlet": item.outlet})
    sources = tuple(
        {"name": i.outlet, "url": i.url, "published": i.published, "title": i.title}
        for i in candidate.items
    )
    return CandidateView(
        id=candidate.id,
        title=candidate.title,
        summary=first.get("summary", "") or candidate.title,
        event_date=first.get("event_date", ""),
        date_basis=first.get("date_basis", "report"),
        topics=tuple(topics),
        actors=tuple(actors),
        sources=sources,
        figures=tuple(figures.values())[:MAX_FIGURES],
    )


def _sources(candidate: CandidateView) -> list[dict[str, Any]]:
    return [
        {
            k: v
            for k, v in (("name", s["name"]), ("url", s["url"]), ("published", s["published"]))
            if v
        }
        for s in candidate.sources
    ]


def _figures(candidate: CandidateView) -> list[dict[str, Any]]:
    return [raw_figure(f, f["outlet"]) for f in candidate.figures]


class ReviewQueue:
    def __init__(
        self,
        queue: IntakeQueue,
        service: BriefingService,
        clock: Clock,
        went_out: Callable[[int], Awaitable[bool]],
    ) -> None:
        self.queue, self.service, self.clock = queue, service, clock
        self._went_out = went_out

    async def pending(self, limit: int = 50) -> list[CandidateView]:
        views = []
        for candidate in await self.queue.pending(limit):
            # Existing entries with a similar title: the editor may merge instead.
            hits = await self.service.suggest(candidate.title[:80])
            views.append(replace(view(candidate), matches=tuple(s for s, _ in hits[:3])))
        return views

    async def get(self, candidate_id: int) -> CandidateView:
        return view(await self.queue.get(candidate_id))

    def form(self, candidate: CandidateView, overrides: Mapping[str, Any]) -> dict[str, Any]:
        """The entry form prefilled from the candidate; the editor's ``overrides`` win."""
        raw: dict[str, Any] = {
            "slug": slugify(f"intake {candidate.id} {candidate.title}")[:80].strip("-"),
            "title": candidate.title,
            "summary": candidate.summary,
            "event_date": candidate.event_date,
            "event_date_basis": candidate.date_basis,
            "status": "reported",
            "importance": DEFAULT_IMPORTANCE,
            "topics": list(candidate.topics),
            "actors": list(candidate.actors),
            "sources": _sources(candidate),
            "figures": _figures(candidate),
        }
        raw.update({k: v for k, v in overrides.items() if v not in (None, [], ())})
        return raw

    async def approve(
        self, candidate_id: int, actor: str, overrides: Mapping[str, Any] | None = None
    ) -> Entry:
        """Create the entry from the candidate (validated like any form), then record it."""
        candidate = await self._pending(candidate_id)
        return await self.approve_raw(candidate_id, self.form(candidate, overrides or {}), actor)

    async def approve_raw(self, candidate_id: int, raw: Mapping[str, Any], actor: str) -> Entry:
        """Create the entry exactly as the editor saved the prefilled form and record the
        decision, in one transaction: if another editor decided first, nothing is created."""
        await self._pending(candidate_id)
        try:
            return await self.service.add(raw, actor, Decision(candidate_id, "approve", actor))
        except DuplicateSlug:
            # Approved by a version that made the entry and the decision apart, and stopped
            # between them: the entry is this one.
            entry = await self.service.show(raw["slug"])
        await self.queue.decide(
            candidate_id, "approve", actor, self.clock.now(), entry_slug=entry.slug
        )
        return entry

    async def merge(self, candidate_id: int, ref: str, actor: str) -> Entry:
        """Add the candidate's sources and figures to an existing entry; a correction when
        that entry already went out in a digest."""
        candidate = await self._pending(candidate_id)
        entry = await self.service.show(ref)
        raw = content_dict(entry.content)
        known = {s["url"] for s in raw["sources"]}
        raw["sources"] += [s for s in _sources(candidate) if s.get("url") not in known]
        shown = {(f["display"], f["originator"]) for f in raw["figures"]}
        raw["figures"] += [
            f for f in _figures(candidate) if (f["display"], f["originator"]) not in shown
        ]
        kind = EditKind.CORRECTION if await self._went_out(entry.id) else EditKind.MINOR
        # The edit (and a correction's notices) and the decision are one transaction: a
        # merge that lost to another editor's decision changes nothing.
        return await self.service.edit(
            entry.slug, raw, actor, entry.revision, kind, Decision(candidate_id, "merge", actor)
        )

    async def went_out(self, entry_id: int) -> bool:
        """Whether a posted digest carried the entry (a merge into it is a correction)."""
        return await self._went_out(entry_id)

    async def reject(self, candidate_id: int, actor: str, reason: str) -> None:
        if not reason.strip():
            raise ReviewProblem("say why the candidate is rejected (a reason is required)")
        await self._pending(candidate_id)
        await self.queue.decide(
            candidate_id, "reject", actor, self.clock.now(), reason=reason.strip()[:500]
        )

    async def later(self, candidate_id: int, actor: str) -> None:
        await self._pending(candidate_id)
        await self.queue.decide(candidate_id, "later", actor, self.clock.now())

    async def _pending(self, candidate_id: int) -> CandidateView:
        candidate = await self.queue.get(candidate_id)
        if candidate.state != "pending":
            # As the store says it when a decision lost its race: the desk words both alike.
            raise CandidateNotFound(f"candidate {candidate_id} was already {candidate.state}")
        return view(candidate)
