"""Brief entries: the curated, sourced records the whole product is about."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.domain.claims import Qualifier
from bot.domain.provenance import DateBasis


class Status(StrEnum):
    """How well a statement is established, from strongest to weakest claim."""

    CONFIRMED = "confirmed"
    REPORTED = "reported"
    UNCONFIRMED = "unconfirmed"
    DISPUTED = "disputed"
    DENIED = "denied"

    @property
    def label(self) -> str:
        """A short label shown next to every entry and figure."""
        return STATUS_LABELS[self]

    @property
    def icon(self) -> str:
        """A coloured mark beside the label, so the status reads at a glance."""
        return STATUS_ICONS[self]


# What the two kinds of status qualify, said the same way in every help text.
STATUS_SCOPE = (
    "An entry's status says whether the event happened as described; a figure's status says "
    "how well that number is established, so a reported entry (say, media accounts of a "
    'private call) can carry a confirmed figure. A date shown with a note ("date from public '
    'record", "date inferred by the editor", "date of the report") is not stated by the '
    "source."
)

STATUS_ICONS: dict[Status, str] = {
    Status.CONFIRMED: "🟢",
    Status.REPORTED: "🔵",
    Status.UNCONFIRMED: "🟡",
    Status.DISPUTED: "🟠",
    Status.DENIED: "🔴",
}

STATUS_LABELS: dict[Status, str] = {
    Status.CONFIRMED: "Confirmed",
    Status.REPORTED: "Reported",
    Status.UNCONFIRMED: "Unconfirmed claim",
    Status.DISPUTED: "Disputed",
    Status.DENIED: "Denied",
}


@dataclass(frozen=True, slots=True)
class Source:
    """Where an entry comes from: a named source, its http(s) address if one was given, and
    the outlet that published it (when ``name`` is not the outlet itself)."""

    name: str
    url: str | None
    published: date | None = None
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """A claim about a number: the source's words (``display``) with its hedge as a field
    (``qualifier``; ``high`` closes a range), what it counts and in which ``unit``, who
    first claimed it (``originator``) and who repeated it (``relays``).

    ``status`` qualifies the number, not the entry: a confirmed figure can sit in an entry
    that is only reported (e.g. media accounts of a private call relaying an agency's count).
    """

    value: float
    display: str
    counts: str
    subject: str
    originator: str
    status: Status
    qualifier: Qualifier = Qualifier.EXACTLY
    unit: str = ""
    relays: tuple[str, ...] = ()
    high: float | None = None


@dataclass(frozen=True, slots=True)
class EntryContent:
    """The editable part of an entry: what editors write and files contain.

    ``status`` qualifies the entry: that the event happened as the entry describes it.
    ``event_date_basis`` says whether the source states the event date or where it is from.
    """

    slug: str
    title: str
    summary: str
    event_date: date
    status: Status
    importance: int
    topics: tuple[str, ...]
    actors: tuple[str, ...]
    sources: tuple[Source, ...]
    figures: tuple[Figure, ...] = ()
    body: str = ""
    reported_at: datetime | None = None
    event_date_basis: DateBasis = DateBasis.SOURCE


@dataclass(frozen=True, slots=True)
class Correction:
    """A recorded correction: which revision, when, by whom, and what changed (old → new)."""

    revision: int
    at: datetime
    actor: str
    changes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """A stored entry: its content plus the bookkeeping the store maintains.

    ``corrections`` (newest last) is filled when one entry is read for showing in full.
    """

    id: int
    content: EntryContent
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    revision: int
    deleted_at: datetime | None = None
    corrections: tuple[Correction, ...] = ()

    @property
    def slug(self) -> str:
        return self.content.slug

    @property
    def title(self) -> str:
        return self.content.title

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True, slots=True)
class FigureClaim:
    """One figure as it appears in the archive, with the entry that carries it."""

    figure: Figure
    entry_slug: str
    entry_title: str
    event_date: date
    date_basis: DateBasis = DateBasis.SOURCE


# Snippet markers around matched words: control characters no entry text may contain
# (validation refuses them), so renderers can swap them for their own highlighting after
# escaping the text. Every search backend marks its snippets with these.
MARK_START = "\x02"
MARK_END = "\x03"


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A search result: the entry and a snippet with the matched words marked."""

    entry: Entry
    snippet: str


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of search hits; ``ranked`` is False when the best-match ranking ran out of
    time (a very common word or prefix) and the hits are the newest matches instead."""

    hits: tuple[SearchHit, ...]
    ranked: bool = True


class RevisionAction(StrEnum):
    ADD = "add"
    EDIT = "edit"
    DELETE = "delete"
    RESTORE = "restore"


@dataclass(frozen=True, slots=True)
class Revision:
    """One step in an entry's history: who did what, when, and the content after it."""

    entry_id: int
    revision: int
    action: RevisionAction
    actor: str
    at: datetime
    changed_fields: tuple[str, ...]
    content: EntryContent
    correction: tuple[str, ...] | None = None  # the changes, when saved as a correction


# What a correction changed, from the old and the new content ("status: A → B", …).
Changes = Callable[[EntryContent, EntryContent], tuple[str, ...]]
# (done, total) while an import writes.
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did, slug by slug."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    # Deleted entries are left deleted: an import never quietly undoes an editor's delete.
    skipped_deleted: tuple[str, ...] = ()
