"""Entry ports: reads, writes with revisions, history, import, search and the figures tracker."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol

from bot.domain.entries import (
    Changes,
    Entry,
    EntryContent,
    FigureClaim,
    ImportResult,
    ProgressCallback,
    Revision,
    SearchPage,
)
from bot.domain.intake_records import Decision
from bot.domain.search_query import SearchQuery


class EntryReads(Protocol):
    """Live entries by slug, by date and by tag; deleted ones only when asked for."""

    async def get(self, ref: str, include_deleted: bool = False) -> Entry:
        """The entry with slug (or numeric id) ``ref``; raises ``EntryNotFound``."""
        ...

    async def count(self) -> int: ...

    async def latest(
        self, limit: int, offset: int = 0, topic: str | None = None, actor: str | None = None
    ) -> list[Entry]:
        """Newest event date first, optionally with a topic and/or an actor."""
        ...

    async def between(
        self, start: date | None, end: date | None, actor: str | None = None, limit: int = 200
    ) -> list[Entry]:
        """Event date in [start, end], oldest first."""
        ...

    async def recorded_between(self, start: datetime, end: datetime) -> list[Entry]:
        """First recorded in [start, end): what is new for a digest window."""
        ...

    async def all(self, include_deleted: bool = False) -> list[Entry]: ...

    async def suggest(self, text: str, limit: int = 25) -> list[tuple[str, str]]:
        """(slug, title) pairs containing ``text``, newest first."""
        ...


class EntryWrites(Protocol):
    """Every change keeps the previous version as a revision; nothing is ever erased."""

    async def add(
        self, content: EntryContent, actor: str, now: datetime, decision: Decision | None = None
    ) -> Entry:
        """Revision 1; raises ``DuplicateSlug``. With ``decision``, the candidate's decision
        is recorded in the same transaction, or ``CandidateNotFound`` is raised and nothing is
        written when the candidate is no longer pending."""
        ...

    async def edit(
        self,
        ref: str,
        content: EntryContent,
        actor: str,
        now: datetime,
        expected_revision: int | None = None,
        correction: Changes | None = None,
        decision: Decision | None = None,
    ) -> Entry:
        """Raises ``StaleRevision`` if ``expected_revision`` is not the current one; with
        ``decision``, as :meth:`add` (the correction's notices are then owed only if it
        applies)."""
        ...

    async def set_deleted(self, ref: str, deleted: bool, actor: str, now: datetime) -> Entry:
        """Soft delete (or restore): the entry keeps its history."""
        ...

    async def import_many(
        self,
        contents: Sequence[EntryContent],
        actor: str,
        now: datetime,
        progress: ProgressCallback | None = None,
        correction: Changes | None = None,
    ) -> ImportResult:
        """Add or update by slug, all or nothing; unchanged entries get no revision."""
        ...


class EntryHistory(Protocol):
    async def history(self, ref: str) -> list[Revision]:
        """Every revision of an entry (deleted ones too), oldest first."""
        ...


class EntrySearch(Protocol):
    async def search(self, query: SearchQuery, limit: int, offset: int = 0) -> SearchPage:
        """Best matches first, snippets marked with ``MARK_START``/``MARK_END``.

        Past its time budget a backend may return the newest matches (``ranked=False``) or
        raise ``SearchTooSlow``/``SearchBusy``; it never errors on any parsed query.
        """
        ...


class FigureClaims(Protocol):
    async def claims(self, subjects: Iterable[str] | None = None) -> list[FigureClaim]:
        """Every figure claim of live entries (optionally for some subjects), oldest first."""
        ...

    async def recent_subjects(self, limit: int) -> list[str]:
        """The subjects of the newest entries that carry figures."""
        ...


class FigureSubjectIndex(Protocol):
    """Which quantities the tracker holds claims about; bounded reads only."""

    async def recent(self, limit: int) -> list[str]: ...

    async def count(self) -> int: ...

    async def matching(self, text: str, limit: int) -> list[tuple[str, str]]:
        """(subject, what it counts) containing ``text``, newest first."""
        ...


class DataVersion(Protocol):
    async def data_version(self) -> int:
        """A number that changes whenever anything is committed, by any connection or process.

        Read caches compare it before each use (``bot.usecases.page_cache``), so it must be
        cheap: SQLite reads ``PRAGMA data_version`` on the event loop (no thread hop);
        PostgreSQL counts its own commits and other processes' NOTIFY (no round trip; another
        process's commit is heard a moment after it, once the notification arrives). Only
        equality matters; when the backend cannot tell (PostgreSQL's listener is down), it
        returns a value it never returned before (the cache then reads afresh).
        """
        ...


class EntryRepository(
    EntryReads, EntryWrites, EntryHistory, EntrySearch, FigureClaims, DataVersion, Protocol
):
    """Everything the briefing use cases ask of entries, in one object."""

    @property
    def subjects(self) -> FigureSubjectIndex: ...
