"""Search on PostgreSQL. A placeholder until the full-text search lands (branch pg-search):
every word of the query must appear in the title, summary or body (ILIKE), phrases as
phrases, ``-word`` excluded; newest first, unranked. Never an error on any parsed query."""

from __future__ import annotations

from bot.domain.entries import MARK_END, MARK_START, SearchHit, SearchPage
from bot.domain.search_query import SearchQuery
from bot.storage.codec import entry_from_row, prefixed_columns
from bot.storage.figures import like_pattern
from bot.storage.postgres.database import PgDatabase


async def search_entries(
    database: PgDatabase, query: SearchQuery, limit: int, offset: int = 0
) -> SearchPage:
    if query.fts is None:
        return SearchPage((), ranked=True)
    terms = [word for word in query.words if word]
    if not terms:
        return SearchPage((), ranked=True)
    text = "(e.title || ' ' || e.summary || ' ' || e.body)"
    where = " AND ".join(f"{text} ILIKE ${i + 1} ESCAPE '\\'" for i in range(len(terms)))
    n = len(terms)
    rows = await database.fetch(
        f"SELECT {prefixed_columns('e.')} FROM entries AS e WHERE e.deleted_at IS NULL"
        f" AND {where} ORDER BY e.id DESC LIMIT ${n + 1} OFFSET ${n + 2}",
        *[like_pattern(term) for term in terms],
        limit,
        offset,
    )
    hits = []
    for row in rows:
        entry = entry_from_row(row)
        hits.append(SearchHit(entry, _snippet(entry.content.summary, terms[0])))
    return SearchPage(tuple(hits), ranked=False)


def _snippet(text: str, term: str) -> str:
    at = text.lower().find(term.lower())
    if at < 0:
        return text[:160]
    end = at + len(term)
    return f"{text[:at]}{MARK_START}{text[at:end]}{MARK_END}{text[end:]}"[:240]
