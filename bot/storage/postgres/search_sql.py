"""The statements of the PostgreSQL search (:mod:`bot.storage.postgres.search`).

``to_tsquery`` takes the tsquery texts as bind parameters and runs in each statement, never
in a materialized subquery: planned with the values (``plan_cache_mode`` is
``force_custom_plan`` for searches), it is a constant the planner weighs against the
``search_vector`` statistics, so the estimate and the plan fit each search's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain.entries import MARK_END, MARK_START
from bot.storage.codec import prefixed_columns
from bot.storage.postgres.tsquery import TsQueries

# ts_rank_cd weights {D, C, B, A}: body 1, summary 4, title 10, as SQLite's bm25 weights;
# normalization 1 divides by the log of the entry's length, as bm25 favours short entries.
_WEIGHTS = "'{0.1, 0.1, 0.4, 1.0}'"
# Snippets as FTS5's snippet(…, 16): one fragment of at most 16 words, matches marked.
HEADLINE_OPTIONS = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=16, MinWords=6, ShortWord=0,'
    " MaxFragments=1"
)


@dataclass(frozen=True, slots=True)
class SearchStatements:
    """``estimate`` (EXPLAIN of the matches), ``ranked`` and ``newest`` (a page with snippets),
    all taking :meth:`arguments`."""

    estimate: str
    ranked: str
    newest: str
    excluding: bool

    def arguments(self, texts: TsQueries, limit: int, offset: int) -> tuple[Any, ...]:
        queries = (texts.matching, texts.excluded) if self.excluding else (texts.matching,)
        return (*queries, limit, offset, HEADLINE_OPTIONS)

    def estimate_arguments(self, texts: TsQueries) -> tuple[Any, ...]:
        return self.arguments(texts, 0, 0)[: 2 if self.excluding else 1]


def _statements(excluding: bool) -> SearchStatements:
    matching = "to_tsquery('briefbot_search', $1)"
    where = f"e.search_vector @@ {matching}"
    if excluding:
        where += " AND NOT e.search_vector @@ to_tsquery('briefbot_search', $2)"
    where += " AND e.deleted_at IS NULL"
    first = 3 if excluding else 2
    limit, offset, options = (f"${first + n}" for n in range(3))
    # The page's entries and snippets, built for the page's rows only: ts_headline re-reads
    # the text, which for every match would cost as much as the ranking.
    page = (
        f" SELECT {prefixed_columns('e.')},"
        f" ts_headline('briefbot_search', e.summary || E'\\n' || e.body, {matching}, {options})"
        " AS text_snippet,"
        f" ts_headline('briefbot_search', e.title, {matching}, {options}) AS title_snippet"
        " FROM page JOIN entries AS e ON e.id = page.id"
    )
    rank = f"ts_rank_cd({_WEIGHTS}, e.search_vector, {matching}, 1)"
    ranked = (
        f"WITH page AS (SELECT e.id, {rank} AS score FROM entries AS e WHERE {where}"
        f" ORDER BY score DESC, e.id DESC LIMIT {limit} OFFSET {offset})"
        f"{page} ORDER BY page.score DESC, page.id DESC"
    )
    # Newest first: the planner walks the primary key backwards and stops at the page when
    # the words are common, or sorts the few matches of rare ones; nothing is scored.
    newest = (
        f"WITH page AS (SELECT e.id FROM entries AS e WHERE {where}"
        f" ORDER BY e.id DESC LIMIT {limit} OFFSET {offset})"
        f"{page} ORDER BY page.id DESC"
    )
    estimate = f"EXPLAIN (FORMAT JSON) SELECT 1 FROM entries AS e WHERE {where}"
    return SearchStatements(estimate, ranked, newest, excluding)


PLAIN = _statements(excluding=False)
EXCLUDING = _statements(excluding=True)


def statements(texts: TsQueries) -> SearchStatements:
    return EXCLUDING if texts.excluded is not None else PLAIN
