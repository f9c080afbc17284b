"""What the reader use cases return: a page of entries, of search hits, of figure groups."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.entries import Entry, SearchHit
from bot.domain.figures import FigureGroup
from bot.domain.search_query import SearchQuery


@dataclass(frozen=True, slots=True)
class Page:
    """One page of entries and whether another follows."""

    entries: tuple[Entry, ...]
    number: int
    has_next: bool


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: SearchQuery
    hits: tuple[SearchHit, ...]
    number: int
    has_next: bool
    # False when ranking ran out of time (a very common search): the newest matches instead.
    ranked: bool = True


@dataclass(frozen=True, slots=True)
class FiguresView:
    """Figure groups to show, and how many subjects the tracker holds in all."""

    groups: tuple[FigureGroup, ...]
    total_subjects: int

    @property
    def notice(self) -> str | None:
        """Says the list is a selection, when it is one."""
        if len(self.groups) >= self.total_subjects:
            return None
        return (
            f"Showing the {len(self.groups)} most recently reported of "
            f"{self.total_subjects:,} subjects; pick a subject to see any other."
        )
