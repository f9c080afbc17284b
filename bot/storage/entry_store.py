"""The SQLite entry backend: one object behind every entry port (``bot.ports.entries``)."""

from __future__ import annotations

from bot.storage.database import Database
from bot.storage.entry_reads import EntryReader
from bot.storage.entry_writes import EntryWriter
from bot.storage.figures import FigureClaimReader, FigureSubjects
from bot.storage.search import SEARCH_BUDGET_S, SEARCH_WAIT_S, EntrySearcher


class EntryStore(EntryReader, EntryWriter, EntrySearcher, FigureClaimReader):
    """Reads, writes, search and figures over one database.

    The parts share nothing but the database handle, so one constructor sets it for all;
    the search budgets are :class:`~bot.storage.search.EntrySearcher`'s.
    """

    def __init__(
        self,
        database: Database,
        search_budget_s: float = SEARCH_BUDGET_S,
        search_wait_s: float = SEARCH_WAIT_S,
        fallback_budget_s: float = SEARCH_BUDGET_S,
        top_k: bool = True,
    ) -> None:
        EntrySearcher.__init__(
            self, database, search_budget_s, search_wait_s, fallback_budget_s, top_k
        )
        self.subjects = FigureSubjects(database)
