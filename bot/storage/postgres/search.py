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

Ranking reads and scores every match's row (the GIN index knows which entries match, not how
well). A search the planner expects to match more than ``rank_at_most`` entries (and more than
1 % of them, see ``_COMMON_SHARE``) would spend its whole budget doing so, so it is not tried:
the newest matches are shown at once, with the same "very common search" note, found by
walking the primary key backwards, which takes milliseconds for a common word.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from bot.domain.entries import MARK_END, MARK_START, SearchHit, SearchPage
from bot.domain.search_query import SearchQuery
from bot.storage.budget import SearchBusy, SearchTooSlow
from bot.storage.codec import entry_from_row
from bot.storage.postgres.database import PgDatabase
from bot.storage.postgres.search_sql import SearchStatements, statements
from bot.storage.postgres.tsquery import TsQueries, tsqueries
from bot.storage.search import SEARCH_BUDGET_S, SEARCH_WAIT_S

SEARCH_SLOTS = 2
# Ranking reads and scores every match's row (10-40 µs each at 1M entries: their vectors
# live in TOAST), so a search expected to match more is not ranked (but see _COMMON_SHARE).
RANK_AT_MOST = 1_000
# The planner knows the frequent words' share (the column's statistics) but guesses up to
# 0.5 % of the entries for any other word, however rare: a search is only taken for "very
# common" above twice that guess, whatever rank_at_most says. Below it, ranking is tried under
# its budget: a rare word ranks in a millisecond; a word really that frequent may run out of
# budget (~250 ms at 1M entries), then shows the newest matches.
_COMMON_SHARE = 0.01
# The ranked step reads the matches through the GIN index (a bitmap scan) whatever the guess:
# a rare word guessed at 0.5 % must not make the planner walk the whole table instead.
_THROUGH_THE_INDEX = "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off"
# Plan each search with its own words: a generic plan (asyncpg prepares every statement)
# would guess the selectivity of any tsquery alike.
_CUSTOM_PLANS = "SET LOCAL plan_cache_mode = force_custom_plan"
# The table's size as the planner knows it (no count: that would read the table).
_ENTRY_COUNT_GUESS = "SELECT reltuples FROM pg_class WHERE oid = 'entries'::regclass"
_ELLIPSIS = "…"
# A step run inside a search transaction: its rows, or None to fall back.
Statement = Callable[[Any, tuple[Any, ...]], Awaitable[list[Any] | None]]


class PgEntrySearcher:
    """Search over one pool; the budgets are :class:`bot.storage.search.EntrySearcher`'s;
    a search expected to match more than ``rank_at_most`` entries (and more than 1 % of them)
    shows the newest matches at once."""

    def __init__(
        self,
        database: PgDatabase,
        search_budget_s: float = SEARCH_BUDGET_S,
        search_wait_s: float = SEARCH_WAIT_S,
        fallback_budget_s: float = SEARCH_BUDGET_S,
        search_slots: int = SEARCH_SLOTS,
        rank_at_most: int = RANK_AT_MOST,
    ) -> None:
        self._db = database
        self._search_budget_s = search_budget_s
        self._fallback_budget_s = fallback_budget_s
        self._search_wait_s = search_wait_s
        self._slots = asyncio.Semaphore(search_slots)
        self._rank_at_most = rank_at_most

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
            sql = statements(texts)
            arguments = sql.arguments(texts, limit, offset)
            async with self._db.connection() as connection:
                rows = await _within(
                    connection, self._search_budget_s, self._ranked(sql, texts), arguments
                )
                ranked = rows is not None
                if rows is None:
                    newest = _fetch(sql.newest)
                    rows = await _within(connection, self._fallback_budget_s, newest, arguments)
                if rows is None:
                    raise SearchTooSlow
        finally:
            self._slots.release()
        return SearchPage(tuple(_hit(row) for row in rows), ranked)

    def _ranked(self, sql: SearchStatements, texts: TsQueries) -> Statement:
        """The ranked page, unless the planner expects more matches than can be ranked."""

        async def ranked(connection: Any, arguments: tuple[Any, ...]) -> list[Any] | None:
            plan = await connection.fetchval(sql.estimate, *sql.estimate_arguments(texts))
            expected = float(json.loads(plan)[0]["Plan"]["Plan Rows"])
            entries = float(await connection.fetchval(_ENTRY_COUNT_GUESS))
            if expected > max(self._rank_at_most, entries * _COMMON_SHARE):
                return None
            await connection.execute(_THROUGH_THE_INDEX)
            return list(await connection.fetch(sql.ranked, *arguments))

        return ranked


def _fetch(sql: str) -> Statement:
    async def fetch(connection: Any, arguments: tuple[Any, ...]) -> list[Any]:
        return list(await connection.fetch(sql, *arguments))

    return fetch


async def _within(
    connection: Any, budget_s: float, statement: Statement, arguments: tuple[Any, ...]
) -> list[Any] | None:
    """The statement's rows, or None when it ran out of its budget or gave up (a spent budget
    runs nothing: a statement_timeout of 0 would mean no limit)."""
    milliseconds = int(budget_s * 1000)
    if milliseconds <= 0:
        return None
    try:
        async with connection.transaction(readonly=True):
            await connection.execute(_CUSTOM_PLANS)
            await connection.execute(
                "SELECT set_config('statement_timeout', $1, true)", f"{milliseconds}ms"
            )
            return await statement(connection, arguments)
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
