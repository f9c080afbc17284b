"""The intake desk: what editors do with feeds, pasted links and the review queue.

One code path for every surface: the CLI, Discord's ``/brief-admin`` and Slack's ``/brief``
parse input, call a method here and render what it returns. Every problem an editor can fix
is a :class:`~bot.domain.errors.UserError` with one sentence; nothing here knows a platform.

Typed against the intake ports (:mod:`bot.ports.intake`): the same desk on every backend.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from bot.domain.entries import Entry
from bot.domain.entry_lines import keep_published, keep_values
from bot.domain.errors import EntryNotFound, InvalidInput
from bot.domain.intake_records import CandidateNotFound, Feed
from bot.domain.typed_text import typed
from bot.intake.guard import Refused, check_url
from bot.intake.review import CandidateView, ReviewQueue, view
from bot.ports.intake import IntakeFeeds, IntakeQueue
from bot.service import BriefingService
from bot.usecases.intake_cards import (
    AlreadyDecided,
    Card,
    Draft,
    Merged,
    Suggested,
    figure_lines,
    source_lines,
)

if TYPE_CHECKING:
    from bot.intake.parse import Item

MIN_EVERY, MAX_EVERY = 1, 7 * 24 * 60
DEFAULT_EVERY = 15
NAME_MAX = 100
URL_MAX = 2000
MATCHES = 3
EDITOR_PAUSE = "paused by an editor"
# What chat says where the host was given no desk (a deployment wired without intake).
NO_INTAKE = "Intake is not available on this deployment."
T = TypeVar("T")


class IntakeDesk:
    """Feeds, suggestions and the review queue over the intake stores and the review use case."""

    def __init__(
        self, feeds: IntakeFeeds, queue: IntakeQueue, review: ReviewQueue, allow_private: bool
    ) -> None:
        self.feeds, self.queue, self.review = feeds, queue, review
        self.allow_private = allow_private
        # Decisions in this process one at a time: two editors pressing Approve together
        # must not both create the entry (the store refuses a second decision anyway).
        self._deciding = asyncio.Lock()

    @property
    def service(self) -> BriefingService:
        return self.review.service

    def _now(self) -> datetime:
        return self.review.clock.now()

    # -- feeds ----------------------------------------------------------------------------

    async def add_feed(
        self,
        url: str,
        name: str | None = None,
        every: int = DEFAULT_EVERY,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
    ) -> Feed:
        url = self._address(url)
        if not MIN_EVERY <= every <= MAX_EVERY:
            raise InvalidInput(f"poll every {MIN_EVERY}–{MAX_EVERY} minutes, not {every}")
        title = " ".join(typed("feed name", name or "").split())[:NAME_MAX]
        words = [
            tuple(typed("include or exclude word", w).strip() for w in group if w.strip())
            for group in (include, exclude)
        ]
        return await self.feeds.add(
            url, title or (urlsplit(url).hostname or url), every, self._now(), *words
        )

    async def list_feeds(self) -> list[Feed]:
        return await self.feeds.all()

    async def remove_feed(self, ref: str) -> Feed:
        return await self.feeds.remove(self._ref(ref))

    async def pause_feed(self, ref: str, paused: bool) -> Feed:
        reason = EDITOR_PAUSE if paused else None
        return await self.feeds.set_paused(self._ref(ref), paused, reason, self._now())

    def _address(self, url: str) -> str:
        url = typed("address", url).strip().strip("<>")
        if not url or len(url) > URL_MAX:
            raise InvalidInput(f"give a feed address (http:// or https://, up to {URL_MAX} chars)")
        try:
            check_url(url, self.allow_private)
        except Refused as refused:
            raise InvalidInput(str(refused)) from None
        return url

    @staticmethod
    def _ref(ref: str) -> str:
        ref = typed("feed", ref).strip().strip("<>")
        if not ref:
            raise InvalidInput("which feed? give its number or address (see feeds list)")
        return ref[:URL_MAX]

    # -- suggestions ----------------------------------------------------------------------

    async def suggest_url(self, url: str, outlet: str | None = None) -> Suggested:
        """Fetch one article through the guarded fetcher and queue it for review."""
        # Imported here: the parser loads trafilatura, which only a suggestion needs.
        from bot.intake.fetch import Fetcher, FetchFailed
        from bot.intake.parse import parse_page

        url = self._address(url)
        outlet = typed("outlet", outlet) if outlet else outlet
        fetcher = Fetcher(self.allow_private)
        try:
            fetched = await fetcher.get(url)
        except FetchFailed as failed:
            raise InvalidInput(f"could not fetch {url[:200]}: {failed}") from None
        finally:
            await fetcher.close()
        text = fetched.body.decode("utf-8", errors="replace")
        item = await asyncio.to_thread(parse_page, text, fetched.url)
        return await self._queue_item(item, outlet or urlsplit(url).hostname or "link")

    async def suggest_text(self, text: str, outlet: str) -> Suggested:
        """A saved page (HTML) or plain-text article (its first line the title)."""
        from bot.intake.parse import parse_page, parse_text_file

        outlet = typed("outlet", outlet)
        if text.lstrip().startswith("<"):
            item = await asyncio.to_thread(parse_page, text, None)
        else:
            item = parse_text_file(text)
        return await self._queue_item(item, outlet)

    async def _queue_item(self, item: Item | None, outlet: str) -> Suggested:
        from bot.intake.fetch import Fetcher
        from bot.intake.poller import Poller

        if item is None:
            raise InvalidInput("no article text found on that page")
        fetcher = Fetcher(self.allow_private)  # the poller's own; suggesting fetches nothing
        try:
            poller = Poller(
                self.feeds, self.queue, fetcher, self.review.clock, self.service.vocabulary
            )
            created = await poller.suggest(item, outlet[:NAME_MAX])
        finally:
            await fetcher.close()
        return Suggested(created[0] if created else None, item.title)

    # -- the review queue -----------------------------------------------------------------

    async def pending(self, limit: int = 50) -> list[CandidateView]:
        return await self.review.pending(limit)

    async def next_card(self) -> Card | None:
        """The oldest pending candidate ("later" sends one to the back), or None."""
        waiting = await self.queue.pending(limit=1)
        if not waiting:
            return None
        return await self._card(waiting[0].id)

    async def card(self, candidate_id: int) -> Card:
        await self._pending(candidate_id)
        return await self._card(candidate_id)

    async def _card(self, candidate_id: int) -> Card:
        candidate = await self.review.get(candidate_id)
        hits = await self.service.suggest(candidate.title[:80])
        return Card(candidate, await self.queue.count_pending(), tuple(hits[:MATCHES]))

    async def draft(self, candidate_id: int) -> Draft:
        """The entry form prefilled from the candidate (refused once it was decided)."""
        candidate = await self._pending(candidate_id)
        raw = self.review.form(candidate, {})
        return Draft(candidate_id, raw, source_lines(raw), figure_lines(raw))

    async def approve(
        self, candidate_id: int, actor: str, typed: Mapping[str, Any] | None = None
    ) -> Entry:
        """Create the entry; ``typed`` is the form as the editor saved it (sources and
        figures as lines), else the candidate's draft as it stands."""
        async with self._deciding:
            draft = await self.draft(candidate_id)
            raw = dict(draft.raw)
            if typed is not None:
                raw.update(self._from_form(draft, typed))
            return await self._decided(
                candidate_id, self.review.approve_raw(candidate_id, raw, actor)
            )

    async def approve_with(
        self, candidate_id: int, actor: str, overrides: Mapping[str, Any]
    ) -> Entry:
        """Create the entry from the draft with some fields replaced (the CLI's flags)."""
        async with self._deciding:
            await self._pending(candidate_id)
            return await self._decided(
                candidate_id, self.review.approve(candidate_id, actor, overrides)
            )

    async def merge(self, candidate_id: int, ref: str, actor: str) -> Merged:
        if not typed("entry", ref).strip():
            raise InvalidInput("which entry? give its slug or id")
        async with self._deciding:
            await self._pending(candidate_id)
            into = await self._entry(ref)
            correction = await self.review.went_out(into.id)  # as the merge itself decides
            entry = await self._decided(
                candidate_id, self.review.merge(candidate_id, into.slug, actor)
            )
            return Merged(entry, correction)

    async def _entry(self, ref: str) -> Entry:
        """The entry an editor means: a slug or id, else the one entry whose title or slug
        matches what was typed (a chat form has no autocomplete)."""
        try:
            return await self.service.show(ref)
        except EntryNotFound:
            hits = await self.service.suggest(ref)
        if len(hits) == 1:
            return await self.service.show(hits[0][0])
        if not hits:
            raise EntryNotFound(f"no entry matches '{ref.strip()[:80]}'") from None
        named = ", ".join(slug for slug, _ in hits[:MATCHES])
        raise InvalidInput(f"'{ref.strip()[:80]}' matches several entries: {named}; give one")

    async def reject(self, candidate_id: int, actor: str, reason: str) -> None:
        typed("reason", reason)
        async with self._deciding:
            await self._pending(candidate_id)
            await self._decided(candidate_id, self.review.reject(candidate_id, actor, reason))

    async def later(self, candidate_id: int, actor: str) -> None:
        async with self._deciding:
            await self._pending(candidate_id)
            await self._decided(candidate_id, self.review.later(candidate_id, actor))

    async def _pending(self, candidate_id: int) -> CandidateView:
        candidate = await self.queue.get(candidate_id)  # NotFound for an unknown id
        if candidate.state != "pending":
            raise AlreadyDecided(
                f"Candidate {candidate_id} was already {candidate.state}; nothing changed."
            )
        return view(candidate)

    async def _decided(self, candidate_id: int, decision: Awaitable[T]) -> T:
        """Await a decision; one that lost a race (another process decided between the check
        and the store's conditional write) says what the winner decided."""
        try:
            return await decision
        except CandidateNotFound:
            await self._pending(candidate_id)  # "already rejected" (or not found)
            raise

    @staticmethod
    def _from_form(draft: Draft, typed: Mapping[str, Any]) -> dict[str, Any]:
        """The typed form over the draft: lines parsed, keeping what the form cannot show
        (publication dates, outlets and the extracted numbers of unchanged figures)."""
        raw = {k: v for k, v in typed.items() if k not in ("sources", "figures")}
        sources = draft.raw["sources"]
        published = {s.get("url") or "": s.get("published") for s in sources}
        raw["sources"] = keep_published(str(typed.get("sources", "")), published)
        figures = keep_values(str(typed.get("figures", "")), [])
        if isinstance(figures, list):
            numbers = {f["display"]: f for f in draft.raw["figures"]}
            for row in figures:
                if (known := numbers.get(row["display"])) is not None:
                    row["value"] = known["value"]
                    if known.get("high") is not None:
                        row["high"] = known["high"]
        raw["figures"] = figures
        return raw
