"""Use cases: what readers, editors and the scheduler can do, whatever the platform.

Adapters (Discord, console, CLI, later Slack) parse input, call one method here and render
the result; they hold no SQL and no business rules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.brief_files import BriefDocument, write_brief
from bot.clock import Clock
from bot.domain.corrections import EditKind, substantive_changes
from bot.domain.digest import (
    Digest,
    DigestKind,
    DigestOptions,
    Measure,
    compose_digest,
    key_subjects,
    matches_topics,
)
from bot.domain.entries import Entry, ImportResult, ProgressCallback, Revision
from bot.domain.errors import InvalidInput
from bot.domain.figures import group_claims
from bot.domain.intake_records import Decision
from bot.domain.schedule import day_window, local_date
from bot.domain.search_query import parse_search
from bot.domain.validation import validate_entry
from bot.domain.vocabulary import Vocabulary
from bot.ports.entries import EntryRepository
from bot.results import FiguresView, Page, SearchResults
from bot.usecases.import_checks import validate_documents
from bot.usecases.page_cache import VersionedCache

MAX_PAGE_SIZE = 25
QUIET_DAY_SUBJECTS = 3
# /brief figures without a subject: this many subjects, the most recently reported.
OVERVIEW_SUBJECTS = 10
# Autocomplete offers at most this many subjects (Discord's limit for choices).
SUBJECT_CHOICES = 25


class BriefingService:
    """The briefing's use cases over one store, one clock and one vocabulary."""

    def __init__(self, store: EntryRepository, clock: Clock, vocabulary: Vocabulary) -> None:
        self._store = store
        self.clock = clock
        self.vocabulary = vocabulary
        self._latest_pages: VersionedCache[Page] = VersionedCache(store.data_version)

    # -- readers --------------------------------------------------------------------------

    async def latest(
        self, per_page: int = 5, page: int = 0, topic: str | None = None, actor: str | None = None
    ) -> Page:
        """The newest entries, ``per_page`` at a time; the same Page while nothing changes."""
        per_page = _page_size(per_page)
        self._check_choice("topic", topic, self.vocabulary.topics)
        self._check_choice("actor", actor, self.vocabulary.actors)

        async def load() -> Page:
            rows = await self._store.latest(per_page + 1, page * per_page, topic, actor)
            return Page(tuple(rows[:per_page]), page, len(rows) > per_page)

        return await self._latest_pages.get((per_page, page, topic, actor), load)

    async def show(self, ref: str) -> Entry:
        """One entry by slug or id (raises ``EntryNotFound``)."""
        return await self._store.get(ref.strip())

    async def count(self) -> int:
        """How many live entries the archive holds."""
        return await self._store.count()

    async def entries(self, include_deleted: bool = False) -> list[Entry]:
        """Every entry, in the order they were first recorded."""
        return await self._store.all(include_deleted)

    async def search(self, text: str, page: int = 0, per_page: int = 5) -> SearchResults:
        """Full-text search; any text is safe to pass."""
        per_page = _page_size(per_page)
        query = parse_search(text)
        found = await self._store.search(query, per_page + 1, page * per_page)
        hits = found.hits
        return SearchResults(query, hits[:per_page], page, len(hits) > per_page, found.ranked)

    async def timeline(
        self, start: date | None, end: date | None = None, actor: str | None = None
    ) -> list[Entry]:
        """Entries in event order between two dates (inclusive)."""
        if start and end and start > end:
            raise InvalidInput("the start date is after the end date")
        self._check_choice("actor", actor, self.vocabulary.actors)
        return await self._store.between(start, end, actor)

    async def figures(self, subject: str | None = None) -> FiguresView:
        """The key-figures tracker: every claim about each quantity, side by side.

        Without a subject, only the OVERVIEW_SUBJECTS most recently reported quantities, so
        the work is the same at any archive size; grouping runs in a worker thread.
        """
        if subject:
            claims = await self._store.claims([subject])
            groups = await asyncio.to_thread(group_claims, claims)
            return FiguresView(tuple(groups), len(groups))
        subjects = await self._store.subjects.recent(OVERVIEW_SUBJECTS)
        total = await self._store.subjects.count()
        claims = await self._store.claims(subjects)
        order = {name: rank for rank, name in enumerate(subjects)}
        groups = await asyncio.to_thread(group_claims, claims)
        groups.sort(key=lambda group: order[group.subject])
        return FiguresView(tuple(groups), total)

    async def figure_subjects(self, text: str) -> list[tuple[str, str]]:
        """(subject, what it counts) for autocomplete: containing ``text``, newest first."""
        return await self._store.subjects.matching(text.strip()[:100], SUBJECT_CHOICES)

    async def suggest(self, text: str) -> list[tuple[str, str]]:
        """(slug, title) suggestions for autocomplete."""
        return await self._store.suggest(text.strip()[:100])

    async def history(self, ref: str) -> list[Revision]:
        return await self._store.history(ref.strip())

    async def entry_history(self, ref: str) -> tuple[Entry, list[Revision]]:
        """An entry (deleted ones too, for editors) and every revision of it."""
        found = await self._store.get(ref.strip(), include_deleted=True)
        return found, await self._store.history(found.slug)

    # -- editors --------------------------------------------------------------------------

    async def add(
        self, raw: Mapping[str, Any], actor: str, decision: Decision | None = None
    ) -> Entry:
        """Validate and store a new entry; raises ``EntryValidationError`` or ``DuplicateSlug``.

        With ``decision`` (an intake approval) the entry exists only if the decision applies.
        """
        content = validate_entry(raw, self.vocabulary, self._today())
        return await self._store.add(content, actor, self.clock.now(), decision)

    async def edit(
        self,
        ref: str,
        raw: Mapping[str, Any],
        actor: str,
        expected_revision: int | None = None,
        kind: EditKind = EditKind.MINOR,
        decision: Decision | None = None,
    ) -> Entry:
        """Validate and replace an entry's content, keeping its previous version.

        A ``correction`` records what changed in substance and owes a notice to every
        channel that received the entry in a digest; a minor edit does neither.
        """
        content = validate_entry(raw, self.vocabulary, self._today())
        changes = substantive_changes if kind is EditKind.CORRECTION else None
        return await self._store.edit(
            ref,
            content,
            actor,
            self.clock.now(),
            expected_revision,
            correction=changes,
            decision=decision,
        )

    async def delete(self, ref: str, actor: str) -> Entry:
        return await self._store.set_deleted(ref, True, actor, self.clock.now())

    async def restore(self, ref: str, actor: str) -> Entry:
        return await self._store.set_deleted(ref, False, actor, self.clock.now())

    async def import_documents(
        self,
        documents: Sequence[BriefDocument],
        actor: str,
        progress: ProgressCallback | None = None,
        problems: Sequence[str] = (),
        kind: EditKind = EditKind.MINOR,
    ) -> ImportResult:
        """Validate every document, then import all of them in one transaction, or none.

        With ``kind`` correction, every entry the files change is a correction (see edit).
        """
        # In a worker thread: 2,000 full entries take about a second to validate, and the
        # bot must keep answering everyone else meanwhile (the vocabulary is immutable).
        contents = await asyncio.to_thread(
            validate_documents, documents, problems, self.vocabulary, self._today()
        )
        changes = substantive_changes if kind is EditKind.CORRECTION else None
        return await self._store.import_many(
            contents, actor, self.clock.now(), progress, correction=changes
        )

    async def export(self, folder: Path) -> int:
        """Write every entry to ``folder`` as brief files; returns how many."""
        entries = await self.entries()
        for entry in entries:
            write_brief(folder, entry.content)
        return len(entries)

    # -- digests --------------------------------------------------------------------------

    async def digest(
        self,
        tz: ZoneInfo,
        day: date | None = None,
        since: datetime | None = None,
        topics: tuple[str, ...] = (),
        budget: int | None = None,
        measure: Measure | None = None,
    ) -> Digest:
        """Compose the digest of local day ``day`` (today by default) in ``tz``.

        The window is that day, or from ``since`` (e.g. the previous digest) to its end.
        """
        day = day or local_date(self.clock.now(), tz)
        start, end = day_window(day, tz)
        recorded = await self._store.recorded_between(since or start, end)
        entries = [entry for entry in recorded if matches_topics(entry, topics)]
        subjects = set(key_subjects(entries))
        latest = None
        if not entries:
            subjects = set(await self._store.recent_subjects(QUIET_DAY_SUBJECTS))
            newest = await self._store.latest(1)
            latest = newest[0] if newest else None
        claims = await self._store.claims(subjects)
        options = DigestOptions(local_date=day, topics=topics, budget=budget, tz=tz)
        return compose_digest(entries, claims, options, latest=latest, measure=measure)

    async def digest_of_day(
        self,
        day: date,
        topics: tuple[str, ...] = (),
        budget: int | None = None,
        measure: Measure | None = None,
    ) -> Digest:
        """What happened on ``day``: the entries whose event date it is, whenever recorded.

        An event date is a calendar date as the sources give it, so no zone shifts it.
        """
        entries = [e for e in await self._store.between(day, day) if matches_topics(e, topics)]
        claims = await self._store.claims(set(key_subjects(entries)))
        options = DigestOptions(
            local_date=day, topics=topics, budget=budget, kind=DigestKind.EVENTS
        )
        return compose_digest(entries, claims, options, measure=measure)

    # -- helpers --------------------------------------------------------------------------

    def _today(self) -> date:
        return self.clock.now().date()

    @staticmethod
    def _check_choice(name: str, value: str | None, allowed: Sequence[str]) -> None:
        if value is not None and value not in allowed:
            raise InvalidInput(f"unknown {name} '{value[:40]}'; choose from: {', '.join(allowed)}")


def _page_size(requested: int) -> int:
    return max(1, min(requested, MAX_PAGE_SIZE))
