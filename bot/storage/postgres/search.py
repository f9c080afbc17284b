"""Full-text search on PostgreSQL: the same syntax, matches and guarantees as SQLite's FTS5.

The parsed search becomes two ``tsquery`` texts (:mod:`bot.storage.postgres.tsquery`), bound
as parameters. Matches are ranked with ``ts_rank_cd`` over the weighted ``search_vector``
(migration 0002: title A, summary B, body C), under the same two time budgets as SQLite's
search (:mod:`bot.storage.search`): ranking past its budget gives way to the newest matches
(``ranked=False``), and those past theirs to :class:`SearchTooSlow`. The server enforces each
budget as the transaction's ``statement_timeout``, so a cancelled statement frees its
connection at once. A process runs at most ``search_slots`` searches at a time; a search that
waits longer than ``search_wait_s`` for a slot raises :class:`SearchBusy`, so a flood of
searches never takes the pool from other readers.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from bot.domain.entries import MARK_END, MARK_START, SearchHit, SearchPage
from bot.domain.search_query import SearchQuery
from bot.storage.budget import SearchBusy, SearchTooSlow
from bot.storage.codec import entry_from_row, prefixed_columns
from bot.storage.postgres.database import PgDatabase
from bot.storage.postgres.tsquery import TsQueries, tsqueries
from bot.storage.search import SEARCH_BUDGET_S, SEARCH_WAIT_S

SEARCH_SLOTS = 2
_ELLIPSIS = "…"
# ts_rank_cd weights {D, C, B, A}: body 1, summary 4, title 10, as SQLite's bm25 weights;
# normalization 1 divides by the log of the entry's length, as bm25 favours short entries.
_RANK = "ts_rank_cd('{0.1, 0.1, 0.4, 1.0}', e.search_vector, q.matching, 1)"
# Snippets as FTS5's snippet(…, 16): one fragment of at most 16 words, matches marked.
_HEADLINE_OPTIONS = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=16, MinWords=6, ShortWord=0,'
    " MaxFragments=1"
)
_QUERY = (
    "WITH q AS MATERIALIZED (SELECT to_tsquery('briefbot_search', $1) AS matching,"
    " to_tsquery('briefbot_search', coalesce($2, '')) AS excluded)"
)
_MATCHES = (
    " FROM q CROSS JOIN entries AS e WHERE e.search_vector @@ q.matching"
    " AND ($2::text IS NULL OR NOT e.search_vector @@ q.excluded) AND e.deleted_at IS NULL"
)
# The page's entries and snippets, built for the page's rows only (ts_headline re-reads
# the text; for every match it would cost as much as the ranking).
_PAGE = (
    f" SELECT {prefixed_columns('e.')},"
    " ts_headline('briefbot_search', e.summary || E'\\n' || e.body, q.matching, $5) AS text_snippet,"
    " ts_headline('briefbot_search', e.title, q.matching, $5) AS title_snippet"
    " FROM page CROSS JOIN q JOIN entries AS e ON e.id = page.id"
)
_RANKED_SQL = (
    f"{_QUERY}, page AS (SELECT e.id, {_RANK} AS score{_MATCHES}"
    " ORDER BY score DESC, e.id DESC LIMIT $3 OFFSET $4)"
    f"{_PAGE} ORDER BY page.score DESC, page.id DESC"
)
# Newest first: the planner walks the primary key backwards and stops at the page when the
# words are common, or sorts the few matches of rare ones; nothing is scored.
_NEWEST_SQL = (
    f"{_QUERY}, page AS (SELECT e.id{_MATCHES} ORDER BY e.id DESC LIMIT $3 OFFSET $4)"
    f"{_PAGE} ORDER BY page.id DESC"
)


class PgEntrySearcher:
    """Search over one pool; the budgets are :class:`bot.storage.search.EntrySearcher`'s."""

    def __init__(
        self,
        database: PgDatabase,
        search_budget_s: float = SEARCH_BUDGET_S,
        search_wait_s: float = SEARCH_WAIT_S,
        fallback_budget_s: float = SEARCH_BUDGET_S,
        search_slots: int = SEARCH_SLOTS,
    ) -> None:
        self._db = database
        self._search_budget_s = search_budget_s
        self._fallback_budget_s = fallback_budget_s
        self._search_wait_s = search_wait_s
        self._slots = asyncio.Semaphore(search_slots)

    async def search(self, query: SearchQuery, limit: int, offset: int = 0) -> SearchPage:
        """Best matches first with a marked snippet each; see the module for the budgets."""
        texts = tsqueries(query)
        if texts is None:
            return SearchPage((), ranked=True)
        try:
            async with asyncio.timeout(self._search_wait_s):
                await self._slots.acquire()
        except TimeoutError:
            raise SearchBusy from None
        try:
            async with self._db.connection() as connection:
                rows = await _within(
                    connection, self._search_budget_s, _RANKED_SQL, texts, limit, offset
                )
                ranked = rows is not None
                if rows is None:
                    rows = await _within(
                        connection, self._fallback_budget_s, _NEWEST_SQL, texts, limit, offset
                    )
                if rows is None:
                    raise SearchTooSlow
        finally:
            self._slots.release()
        return SearchPage(tuple(_hit(row) for row in rows), ranked)


async def _within(
    connection: Any, budget_s: float, sql: str, texts: TsQueries, limit: int, offset: int
) -> list[Any] | None:
    """The statement's rows, or None when it ran out of its budget (a spent budget runs
    nothing: a statement_timeout of 0 would mean no limit)."""
    milliseconds = int(budget_s * 1000)
    if milliseconds <= 0:
        return None
    try:
        async with connection.transaction(readonly=True):
            await connection.execute(
                "SELECT set_config('statement_timeout', $1, true)", f"{milliseconds}ms"
            )
            rows: list[Any] = await connection.fetch(
                sql, texts.matching, texts.excluded, limit, offset, _HEADLINE_OPTIONS
            )
            return rows
    except asyncpg.QueryCanceledError:
        return None


def _hit(row: Any) -> SearchHit:
    entry = entry_from_row(row)
    # As FTS5's snippet(): from the summary and body when the match is there, else the title.
    text = f"{entry.content.summary}\n{entry.content.body}"
    for snippet, source in (
        (row["text_snippet"], text),
        (row["title_snippet"], entry.content.title),
    ):
        if MARK_START in snippet:
            return SearchHit(entry, _with_ellipses(snippet, source))
    return SearchHit(entry, _with_ellipses(row["text_snippet"], text))


def _with_ellipses(snippet: str, source: str) -> str:
    """Mark a cut, as FTS5's snippet does: "…" where the fragment does not reach an end."""
    plain = snippet.replace(MARK_START, "").replace(MARK_END, "").strip()
    start = "" if source.lstrip().startswith(plain[:40]) else _ELLIPSIS
    end = "" if source.rstrip().endswith(plain[-40:]) else _ELLIPSIS
    return f"{start}{snippet.strip()}{end}"
