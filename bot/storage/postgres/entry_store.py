"""The PostgreSQL entry backend: one object behind every entry port (``bot.ports.entries``)."""

from __future__ import annotations

from bot.storage.postgres.database import PgDatabase
from bot.storage.postgres.entry_reads import PgEntryReader
from bot.storage.postgres.entry_writes import PgEntryWriter
from bot.storage.postgres.figures import PgFigureClaimReader, PgFigureSubjects
from bot.storage.postgres.search import RANK_AT_MOST, PgEntrySearcher
from bot.storage.search import SEARCH_BUDGET_S, SEARCH_WAIT_S


class PgEntryStore(PgEntryReader, PgEntryWriter, PgEntrySearcher, PgFigureClaimReader):
    """Reads, writes, search and figures over one pool (the parts share only the pool);
    the search budgets are :class:`~bot.storage.postgres.search.PgEntrySearcher`'s."""

    def __init__(
        self,
        database: PgDatabase,
        search_budget_s: float = SEARCH_BUDGET_S,
        search_wait_s: float = SEARCH_WAIT_S,
        fallback_budget_s: float = SEARCH_BUDGET_S,
        rank_at_most: int = RANK_AT_MOST,
    ) -> None:
        PgEntryReader.__init__(self, database)
        PgEntrySearcher.__init__(
            self,
            database,
            search_budget_s,
            search_wait_s,
            fallback_budget_s,
            rank_at_most=rank_at_most,
        )
        self.subjects = PgFigureSubjects(database)
