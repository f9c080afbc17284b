"""Search through the top-k index: the best matches without scoring every match.

The index (:mod:`bot.storage.search_index`) proposes the best candidates by its own bm25 over
the weighted field; they are re-ranked with FTS5's exact formula (:mod:`bot.storage.search_text`)
so the page is what ``bm25(entries_fts, 10.0, 4.0, 1.0)`` would show. A search that matches
more than a quarter of a large archive ("the", ``kor*``, ``"north korea"``) has no meaningful
best matches (FTS5's idf of such a word is ~0), so it shows the newest matches, said as such
(``ranked=False``), as the FTS5 path does when ranking runs out of time.
"""

from __future__ import annotations

import enum
import logging
import weakref

import aiosqlite

from bot.domain.entries import SearchHit, SearchPage
from bot.domain.search_query import SearchQuery
from bot.storage.codec import ENTRY_COLUMNS, entry_from_row
from bot.storage.database import Database
from bot.storage.search_index import SearchIndex
from bot.storage.search_sync import IndexSync, Progress
from bot.storage.search_text import Corpus, Document, Words, bm25, document, matches, snippet

log = logging.getLogger(__name__)

# Candidates re-ranked beyond the page: FTS5's order differs from the index's only in length
# normalisation and idf shape, so its best six are within the index's best few dozen (at 1M:
# 24 more than the page kept 5 or 6 of 6 for ten two-word queries, 30 more kept 6 of 6).
CANDIDATES = 30
# "Very common": expected to match more than this share of the archive (its words taken as
# independent), once the archive is this large.
COMMON_SHARE = 0.25
COMMON_MIN_ROWS = 10_000
# A very common prefix search (FTS5 would expand "kor*" to 800 words, for a second) reads the
# newest entries in chunks of this many and keeps those that match, up to this many entries;
# past that the index orders its matches by id.
SCAN_CHUNK = 16
SCAN_MOST = 256

_syncs: weakref.WeakKeyDictionary[Database, IndexSync] = weakref.WeakKeyDictionary()


def index_sync(database: Database) -> IndexSync:
    """The one :class:`IndexSync` of a database (every store on it shares the index)."""
    sync = _syncs.get(database)
    if sync is None:
        sync = _syncs[database] = IndexSync(database)
    return sync


async def reindex(
    database: Database, progress: Progress | None = None, missing_only: bool = False
) -> int | None:
    """Build the index from every entry (``missing_only``: only if it was never built);
    the number of entries indexed, or None if nothing was done."""
    sync = index_sync(database)
    if missing_only and (await sync.index()).state is not None:
        return None
    return await sync.rebuild(progress)


class Fts5(enum.Enum):
    """What FTS5 should answer instead: the ranked search, or the newest matches."""

    RANKED = "ranked"
    NEWEST = "newest"


async def search_top_k(
    database: Database,
    connection: aiosqlite.Connection,
    query: SearchQuery,
    limit: int,
    offset: int,
) -> SearchPage | Fts5:
    """A page through the index, or what FTS5 should answer: ranked when the index cannot
    answer now, the newest matches for a very common search without a prefix (FTS5 reads
    those from the newest end of its lists, in about a millisecond)."""
    try:
        return await _search(database, connection, query, limit, offset)
    except _INDEX_ERRORS:
        # The index is a cache: whatever is wrong with it (a folder that cannot be written,
        # damaged files), FTS5 answers, and `briefbot db reindex` rebuilds it.
        log.warning("search index unavailable; searching with FTS5", exc_info=True)
        return Fts5.RANKED


# What tantivy and the file system raise; the database's own errors are not caught here.
_INDEX_ERRORS = (OSError, ValueError, RuntimeError)


async def _search(
    database: Database,
    connection: aiosqlite.Connection,
    query: SearchQuery,
    limit: int,
    offset: int,
) -> SearchPage | Fts5:
    sync = index_sync(database)
    index = await sync.ready()
    if index is None:
        return Fts5.RANKED
    rows, mean_length = await _averages(connection)
    if rows >= COMMON_MIN_ROWS and await sync.run(index.share, query) > COMMON_SHARE:
        if not any(part.prefix for group in query.groups for part in group):
            return Fts5.NEWEST
        return await _newest(sync, index, connection, query, limit, offset)
    ids = await sync.run(index.candidates, query, offset + limit + CANDIDATES)
    found = await _entries(connection, ids)
    parts = {part for group in query.groups for part in group}
    holding = {part: await sync.run(index.holding, part) for part in parts}
    corpus = Corpus(rows, mean_length, holding)

    def ranked() -> list[SearchHit]:
        words = Words(query, index.tokens)
        docs = [(row, _document(row, index)) for row in found]
        docs.sort(key=lambda pair: (-bm25(query, words, pair[1], corpus), pair[1].entry_id))
        page = docs[offset : offset + limit]
        return [SearchHit(entry_from_row(row), snippet(query, doc)) for row, doc in page]

    return SearchPage(tuple(await sync.run(ranked)), ranked=True)


async def _newest(
    sync: IndexSync,
    index: SearchIndex,
    connection: aiosqlite.Connection,
    query: SearchQuery,
    limit: int,
    offset: int,
) -> SearchPage:
    wanted = offset + limit
    kept: list[SearchHit] = []
    before = None
    for _ in range(SCAN_MOST // SCAN_CHUNK):
        rows = list(
            await connection.execute_fetchall(
                f"SELECT {ENTRY_COLUMNS} FROM entries WHERE deleted_at IS NULL"
                " AND (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
                (before, before, SCAN_CHUNK),
            )
        )
        kept += await sync.run(_matching, query, index, rows)
        if len(kept) >= wanted or len(rows) < SCAN_CHUNK:
            return SearchPage(tuple(kept[offset:wanted]), ranked=False)
        before = rows[-1]["id"]
    ids = await sync.run(index.newest, query, limit, offset)
    found = await _entries(connection, ids)
    return SearchPage(tuple(await sync.run(_matching, query, index, found)), ranked=False)


def _matching(query: SearchQuery, index: SearchIndex, rows: list[aiosqlite.Row]) -> list[SearchHit]:
    words = Words(query, index.tokens)
    hits = []
    for row in rows:
        doc = _document(row, index)
        if matches(query, words, doc):
            hits.append(SearchHit(entry_from_row(row), snippet(query, doc)))
    return hits


def _document(row: aiosqlite.Row, index: SearchIndex) -> Document:
    return document(row["id"], row["title"], row["summary"], row["body"], index.tokens)


async def _entries(connection: aiosqlite.Connection, ids: list[int]) -> list[aiosqlite.Row]:
    """The entries, in the order of ``ids``; deleted ones (not yet out of the index) dropped."""
    rows = await connection.execute_fetchall(
        f"SELECT {ENTRY_COLUMNS} FROM entries WHERE deleted_at IS NULL"
        " AND id IN (SELECT value FROM json_each(?))",
        (str(ids),),
    )
    by_id = {row["id"]: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


async def _averages(connection: aiosqlite.Connection) -> tuple[int, float]:
    """FTS5's row count and mean row length in tokens, as its bm25 reads them (the
    'averages' record: a varint row count, then a varint token total per column)."""
    rows = list(
        await connection.execute_fetchall("SELECT block FROM entries_fts_data WHERE id = 1")
    )
    data = bytes(rows[0][0]) if rows and rows[0][0] else b""
    numbers = []
    at = 0
    while at < len(data):
        value, at = _varint(data, at)
        numbers.append(value)
    count = numbers[0] if numbers else 0
    return count, (sum(numbers[1:]) / count if count else 0.0)


_AVERAGES_SQL = "SELECT block FROM entries_fts_data WHERE id = 1"


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's varint: 7 bits a byte, high bit set while more follow; a ninth byte gives 8."""
    value = 0
    for index in range(8):
        if at + index >= len(data):
            return value, len(data)
        byte = data[at + index]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + index + 1
    return (value << 8) | data[at + 8], at + 9
