"""The PostgreSQL entry backend: one object behind every entry port (``bot.ports.entries``)."""

from __future__ import annotations

from bot.domain.entries import SearchPage
from bot.domain.search_query import SearchQuery
from bot.storage.postgres.database import PgDatabase
from bot.storage.postgres.entry_reads import PgEntryReader
from bot.storage.postgres.entry_writes import PgEntryWriter
from bot.storage.postgres.figures import PgFigureClaimReader, PgFigureSubjects
from bot.storage.postgres.search import search_entries


class PgEntryStore(PgEntryReader, PgEntryWriter, PgFigureClaimReader):
    """Reads, writes, search and figures over one pool (the parts share only the pool)."""

    def __init__(self, database: PgDatabase) -> None:
        PgEntryReader.__init__(self, database)
        self.subjects = PgFigureSubjects(database)

    async def search(self, query: SearchQuery, limit: int, offset: int = 0) -> SearchPage:
        """Best matches first; the query lives in :mod:`bot.storage.postgres.search`."""
        return await search_entries(self._db, query, limit, offset)
