"""The search figures on SQLite: our store against plain FTS5 (``search_ratio``), and the
search options side by side with their top 6 against FTS5's bm25 (``search_top6_overlap``)."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.stats import Budget, p50, repeat, summary
from bench.world import NOW, Report, say
from bot.app import open_app
from bot.clock import FixedClock
from bot.domain.search_query import parse_search
from bot.settings import Settings
from bot.storage.budget import SearchTooSlow
from bot.storage.entry_store import EntryStore
from bot.storage.search_sync import REBUILD_BATCH
from bot.storage.search_topk import index_sync, reindex

TYPICAL_QUERIES = ("ballistic missiles", "ambassador summoned", "kursk casualties")
WORST_QUERIES = ("the", "kor*", '"north korea"')  # very common word, short prefix, phrase
SEARCH_LIMIT = 6  # what /brief search asks for: a page of 5 and one to tell if more follow
FLOOR_SQL = (
    "SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?"
    " ORDER BY bm25(entries_fts, 10.0, 4.0, 1.0) LIMIT ?"
)


async def bench_search_store(report: Report, db: Path, quick: bool) -> None:
    """Our store's search call vs the same FTS5 query and ranking through plain sqlite3."""
    scale = 0.2 if quick else 1.0
    plain = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    per_query: dict[str, Any] = {}
    ratios: list[float] = []
    ours_all: list[float] = []
    async with open_app(Settings.from_env(BRIEFBOT_DB=db), FixedClock(NOW)) as app:
        store = EntryStore(app.database)
        for query in TYPICAL_QUERIES + WORST_QUERIES:
            parsed = parse_search(query)
            assert parsed.fts is not None

            async def floor(fts: str = parsed.fts) -> float:
                started = time.perf_counter()
                plain.execute(FLOOR_SQL, (fts, SEARCH_LIMIT)).fetchall()
                return time.perf_counter() - started

            async def ours(parsed: Any = parsed) -> float:
                started = time.perf_counter()
                # Past both budgets the store answers "too slow": timed like any answer.
                with contextlib.suppress(SearchTooSlow):
                    await store.search(parsed, SEARCH_LIMIT)
                return time.perf_counter() - started

            budget = Budget(5, 60, 4.0).scaled(scale)
            await floor()
            await ours()
            floor_s: list[float] = []
            ours_s: list[float] = []

            async def both(floor_s: list[float] = floor_s, ours_s: list[float] = ours_s) -> float:
                floor_s.append(await floor())
                ours_s.append(await ours())
                return 0.0

            await repeat(budget, both)
            ratio = p50(ours_s) / p50(floor_s)
            ratios.append(ratio)
            ours_all += ours_s
            per_query[query] = {
                "ratio": round(ratio, 3),
                "ours": summary(ours_s),
                "floor": summary(floor_s),
            }
    plain.close()
    worst = max(ratios)
    report.add(
        "search_ratio",
        worst,
        "<= 2.0",
        worst <= 2.0,
        search_ratio_p50=round(p50(ratios), 3),
        search_ratio_p99=round(worst, 3),
        note="value = worst of the six queries' median ratios",
        per_query=per_query,
    )


# Search options side by side (issue 16): same archive, same run, same six queries.
NEWEST_SQL = "SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? ORDER BY rowid DESC LIMIT ?"
# More two-word searches for the quality guard (overlap only, one sample each).
MORE_QUERIES = (
    "artillery shells",
    "sanctions treaty",
    "drone factory",
    "missiles launch",
    "ammunition rail",
    "interrogation prisoners",
    "satellite images",
    "russia artillery",
)


async def ensure_search_index(db: Path) -> None:
    """Build the archive's top-k search index if it has none (as ``briefbot db migrate``)."""
    async with open_app(Settings.from_env(BRIEFBOT_DB=db), FixedClock(NOW)) as app:

        def progress(done: int, total: int) -> None:
            if done == total or done % 200_000 < REBUILD_BATCH:
                say(f"search index: {done:,} / {total:,} entries")

        await reindex(app.database, progress, missing_only=True)


async def bench_search_options(report: Report, db: Path, quick: bool) -> None:
    """Each option's p50/p99 per query and its top 6's overlap with FTS5's bm25 top 6:
    FTS5 bm25 (every match scored: the reference), FTS5 newest matches (no ranking), the top-k
    index's own bm25 alone, and ours (the index's candidates re-ranked with FTS5's formula, or
    the newest matches for a very common search)."""
    scale = 0.2 if quick else 1.0
    plain = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    table: dict[str, Any] = {}
    overlaps: list[int] = []
    async with open_app(Settings.from_env(BRIEFBOT_DB=db), FixedClock(NOW)) as app:
        store = EntryStore(app.database)
        sync = index_sync(app.database)
        index = await sync.ready()
        assert index is not None, "the search index could not be brought up to date"
        for query in TYPICAL_QUERIES + WORST_QUERIES:
            row = await _search_option_row(plain, store, sync, index, query, scale)
            table[query] = row
            if query in TYPICAL_QUERIES:
                overlaps.append(row["ours"]["overlap_with_bm25_top6"])
        more = {}
        for query in MORE_QUERIES:
            parsed = parse_search(query)
            truth = {r[0] for r in plain.execute(FLOOR_SQL, (parsed.fts, SEARCH_LIMIT))}
            page = await store.search(parsed, SEARCH_LIMIT)
            more[query] = len(truth & {hit.entry.id for hit in page.hits}) if page.ranked else None
    plain.close()
    report.add(
        "search_top6_overlap",
        min(overlaps),
        ">= 5 (of 6, typical queries)",
        min(overlaps) >= 5,
        note="worst typical query; very common searches show the newest matches instead",
        options=table,
        more_queries_overlap=more,
    )


async def _search_option_row(
    plain: sqlite3.Connection, store: EntryStore, sync: Any, index: Any, query: str, scale: float
) -> dict[str, Any]:
    parsed = parse_search(query)
    fts = parsed.fts
    found: dict[str, list[int]] = {}

    async def bm25() -> list[int]:
        return [r[0] for r in plain.execute(FLOOR_SQL, (fts, SEARCH_LIMIT))]

    async def newest() -> list[int]:
        return [r[0] for r in plain.execute(NEWEST_SQL, (fts, SEARCH_LIMIT))]

    async def index_alone() -> list[int]:
        return list(await sync.run(index.candidates, parsed, SEARCH_LIMIT))

    async def ours() -> list[int]:
        page = await store.search(parsed, SEARCH_LIMIT)
        return [hit.entry.id for hit in page.hits]

    slow = query in WORST_QUERIES  # FTS5 bm25 takes seconds there: fewer samples
    few = Budget(1, 3, 2.0) if slow else Budget(5, 30, 3.0)
    options: dict[str, tuple[Callable[[], Awaitable[list[int]]], Budget]] = {
        "fts5_bm25": (bm25, few),
        "fts5_newest": (newest, few),
        "index_alone": (index_alone, Budget(5, 60, 3.0)),
        "ours": (ours, Budget(5, 60, 3.0)),
    }
    row: dict[str, Any] = {}
    for name, (run, budget) in options.items():

        async def once(name: str = name, run: Callable[[], Awaitable[list[int]]] = run) -> float:
            started = time.perf_counter()
            found[name] = await run()
            return time.perf_counter() - started

        samples = await repeat(budget.scaled(scale), once)
        same = len(set(found[name]) & set(found["fts5_bm25"]))
        row[name] = summary(samples) | {"overlap_with_bm25_top6": same}
    return row
