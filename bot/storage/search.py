"""Full-text search over entries: through the top-k index (:mod:`bot.storage.search_topk`)
when it is current, else FTS5, ranked within a time budget.

The search connection is the database's third: one search at a time holds it, for at most
its two budgets (see :meth:`EntrySearcher.search`), so a flood of searches queues for a
bounded time and never delays other readers.
"""

from __future__ import annotations

import asyncio

from bot.domain.entries import MARK_END, MARK_START, SearchHit, SearchPage
from bot.domain.search_query import SearchQuery
from bot.storage.budget import OverBudget, SearchBusy, SearchTooSlow, time_budget
from bot.storage.codec import entry_from_row, prefixed_columns
from bot.storage.database import Database

_ELLIPSIS = "…"
# Search ranks matches for at most this long, then shows the newest matches instead.
SEARCH_BUDGET_S = 0.25
# A search waits this long for its turn on the search connection: Discord wants an answer
# within 3 s, so a busy message beats a late (lost) one.
SEARCH_WAIT_S = 2.0

_SNIPPET_MARKS = (MARK_START, MARK_END, _ELLIPSIS)
# Rank every match keeping only (rowid, score) in the sort, then build entries and snippets
# for the one page: snippet() per match made common words cost seconds. Deleted entries are
# few; their ids come from a small partial index (0005).
_RANKED_SQL = (
    "WITH page AS (SELECT rowid AS id, bm25(entries_fts, 10.0, 4.0, 1.0) AS score"
    " FROM entries_fts WHERE entries_fts MATCH ?"
    " AND rowid NOT IN (SELECT id FROM entries WHERE deleted_at IS NOT NULL)"
    " ORDER BY score LIMIT ? OFFSET ?)"
    f" SELECT {prefixed_columns('e.')}, snippet(entries_fts, -1, ?, ?, ?, 16) AS snippet"
    " FROM page CROSS JOIN entries_fts CROSS JOIN entries AS e"
    " WHERE entries_fts MATCH ? AND entries_fts.rowid = page.id AND e.id = page.id"
    " ORDER BY page.score, page.id"
)
# The fallback: newest matches first. FTS5 walks its doclists in descending rowid order, so
# there is no sort, and one MATCH (one prefix expansion) serves the page and its snippets;
# rows skipped by OFFSET get no snippet.
_NEWEST_SQL = (
    f"SELECT {prefixed_columns('e.')}, snippet(entries_fts, -1, ?, ?, ?, 16) AS snippet"
    " FROM entries_fts CROSS JOIN entries AS e"
    " WHERE entries_fts MATCH ? AND e.id = entries_fts.rowid"
    " AND entries_fts.rowid NOT IN (SELECT id FROM entries WHERE deleted_at IS NOT NULL)"
    " ORDER BY entries_fts.rowid DESC LIMIT ? OFFSET ?"
)


class EntrySearcher:
    """``search_budget_s``: how long a search may spend ranking before it falls back to the
    newest matches; ``fallback_budget_s``: how long it may then spend on those;
    ``search_wait_s``: how long it may wait for its turn (see :meth:`search`); ``top_k``:
    whether to search through the top-k index when it is current (False: FTS5 only, the path
    every search takes while the index is unavailable).
    """

    def __init__(
        self,
        database: Database,
        search_budget_s: float = SEARCH_BUDGET_S,
        search_wait_s: float = SEARCH_WAIT_S,
        fallback_budget_s: float = SEARCH_BUDGET_S,
        top_k: bool = True,
    ) -> None:
        self._db = database
        self._top_k = top_k
        self._search_budget_s = search_budget_s
        self._fallback_budget_s = fallback_budget_s
        self._search_wait_s = search_wait_s

    async def search(self, query: SearchQuery, limit: int, offset: int = 0) -> SearchPage:
        """Best matches first (bm25; titles weigh most) with a marked snippet each.

        Ranking scores every match, which takes seconds for a word in nearly every entry or a
        short prefix. It runs under the store's search budget; past it, SQLite interrupts the
        query and the page holds the newest matches instead (``ranked=False``), which FTS5
        reads in rowid order without scoring anything. That fallback has a budget of its own (a
        broad prefix must still expand to all its words), past which :class:`SearchTooSlow`
        is raised; a search that waits for its turn longer than ``search_wait_s`` raises
        :class:`SearchBusy`. So one search holds the search connection for at most the two
        budgets, and a flood of them queues for a bounded time.
        """
        if query.fts is None:
            return SearchPage((), ranked=True)
        connection = self._db.search
        try:
            async with asyncio.timeout(self._search_wait_s):
                await self._db.search_lock.acquire()
        except TimeoutError:
            raise SearchBusy from None
        # The top-k index (tantivy) loads with the first search: a bot that nobody searches
        # does not carry it.
        from bot.storage.search_topk import Fts5, search_top_k

        try:
            found: SearchPage | Fts5 = Fts5.RANKED
            if self._top_k:
                found = await search_top_k(self._db, connection, query, limit, offset)
            if isinstance(found, SearchPage):
                return found
            ranked = found is Fts5.RANKED
            try:
                if ranked:
                    async with time_budget(connection, self._search_budget_s):
                        rows = await connection.execute_fetchall(
                            _RANKED_SQL, (query.fts, limit, offset, *_SNIPPET_MARKS, query.fts)
                        )
            except OverBudget:
                ranked = False
            if not ranked:
                try:
                    async with time_budget(connection, self._fallback_budget_s):
                        rows = await connection.execute_fetchall(
                            _NEWEST_SQL, (*_SNIPPET_MARKS, query.fts, limit, offset)
                        )
                except OverBudget:
                    raise SearchTooSlow from None
        finally:
            self._db.search_lock.release()
        hits = tuple(SearchHit(entry_from_row(row), row["snippet"]) for row in rows)
        return SearchPage(hits, ranked)
