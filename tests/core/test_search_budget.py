"""Time-bounded search: past its budget, ranking gives way to the newest matches, flagged.

Real SQLite throughout: a budget of 0 s makes SQLite's progress handler interrupt the ranked
query at its first check, so the fallback path runs for real on a few thousand matches.
Stores made with ``top_k=False`` search FTS5 only: the path every search takes while the
top-k index is unavailable (being built, or another process indexing).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.discord import embeds
from bot.adapters.slack import render as slack_render
from bot.clock import FixedClock
from bot.domain.search_query import BUSY_NOTE, TOO_SLOW_NOTE, UNRANKED_NOTE, parse_search
from bot.domain.validation import validate_entry
from bot.domain.vocabulary import Vocabulary
from bot.rendering.text import render_search
from bot.service import BriefingService
from bot.storage.budget import SearchBusy, SearchTooSlow
from bot.storage.database import Database, open_database
from bot.storage.entry_store import EntryStore
from tests.factories import raw_entry

from .conftest import NOW
from .search_pages import ids
from .search_pages import newest_ids as newest_matches

ENTRIES = 3000
DELETED = ENTRIES - 2  # one of the newest matches is deleted: the fallback must skip it


@pytest.fixture
async def big_db(tmp_path: Path) -> AsyncIterator[Database]:
    """3,000 entries, every one with the word "common"; "rare7" in entry 7 only."""
    database = await open_database(tmp_path / "briefbot.sqlite3")
    contents = [
        validate_entry(
            raw_entry(
                slug=f"entry-{i}",
                title=f"Common report number {i} {'rare7' if i == 7 else 'plain'}",
                summary=f"A common summary of report {i}, common to all of them.",
            ),
            Vocabulary(),
            NOW.date(),
        )
        for i in range(1, ENTRIES + 1)
    ]
    store = EntryStore(database)
    await store.import_many(contents, "test", NOW)
    await store.set_deleted(f"entry-{DELETED}", True, "test", NOW)
    try:
        yield database
    finally:
        await database.close()


def newest_ids(count: int, skip: int = 0) -> list[int]:
    return newest_matches(ENTRIES, DELETED, count, skip)


async def test_over_budget_falls_back_to_newest_matches(big_db: Database) -> None:
    store = EntryStore(big_db, search_budget_s=0.0, top_k=False)
    page = await store.search(parse_search("common"), 6)
    assert page.ranked is False
    assert ids(page) == newest_ids(6)
    assert all("\x02" in hit.snippet for hit in page.hits)  # snippets are still marked


async def test_within_budget_stays_ranked(big_db: Database) -> None:
    store = EntryStore(big_db, search_budget_s=30.0, top_k=False)
    rare = await store.search(parse_search("rare7"), 6)
    assert rare.ranked is True
    assert ids(rare) == [7]
    common = await store.search(parse_search("common"), 6)
    assert common.ranked is True
    assert len(common.hits) == 6
    # The default budget ranks a selective query at this size too.
    assert (await EntryStore(big_db).search(parse_search("rare7 common"), 6)).ranked is True


async def test_fallback_pages_follow_each_other(big_db: Database) -> None:
    service = BriefingService(
        EntryStore(big_db, search_budget_s=0.0, top_k=False), FixedClock(NOW), Vocabulary()
    )
    seen: list[int] = []
    for number in range(3):
        results = await service.search("common", number, 5)
        assert results.ranked is False
        assert results.has_next is True
        seen += [hit.entry.id for hit in results.hits]
    assert seen == newest_ids(15)
    live = ENTRIES - 1
    final = (live - 1) // 5  # the last page: 4 hits, nothing after it
    last = await service.search("common", final, 5)
    assert [hit.entry.id for hit in last.hits] == newest_ids(5, skip=final * 5)
    assert len(last.hits) == live - final * 5
    assert last.has_next is False


async def test_interrupt_hits_no_other_query(big_db: Database) -> None:
    """Interrupted searches, ranked searches and plain reads at once: all answer correctly."""
    hurried = EntryStore(big_db, search_budget_s=0.0, top_k=False)
    patient = EntryStore(big_db, search_budget_s=30.0, top_k=False)
    expected_latest = [e.id for e in await patient.latest(5)]
    expected_ranked = ids(await patient.search(parse_search("common"), 6))

    async def fallback() -> None:
        page = await hurried.search(parse_search("common"), 6)
        assert page.ranked is False and ids(page) == newest_ids(6)

    async def ranked() -> None:
        page = await patient.search(parse_search("common"), 6)
        assert page.ranked is True and ids(page) == expected_ranked

    async def reads() -> None:
        assert [e.id for e in await patient.latest(5)] == expected_latest
        assert (await patient.get("entry-7")).id == 7
        assert await patient.count() == ENTRIES - 1

    await asyncio.gather(*(job() for _ in range(8) for job in (fallback, ranked, reads)))
    # The search connection has no handler left behind: a patient search is still ranked.
    assert (await patient.search(parse_search("common"), 6)).ranked is True


def test_short_prefix_is_a_whole_word() -> None:
    assert parse_search("ka*").fts == '"ka"'
    assert parse_search("kas*").fts == '"kas" *'
    assert parse_search("north-ko*").fts == '"north ko"'


async def test_every_rendering_tells_the_reader(big_db: Database) -> None:
    service = BriefingService(
        EntryStore(big_db, search_budget_s=0.0, top_k=False), FixedClock(NOW), Vocabulary()
    )
    results = await service.search("common", 0, 5)
    assert not results.ranked
    assert render_search(results).splitlines()[0] == UNRANKED_NOTE
    embed = embeds.search_results("common", results.hits, 0, results.ranked)
    assert embed.description == UNRANKED_NOTE
    blocks = slack_render.search_results("common", results.hits, 0, results.ranked)
    assert UNRANKED_NOTE in str(blocks)
    ranked = await BriefingService(EntryStore(big_db), FixedClock(NOW), Vocabulary()).search(
        "rare7"
    )
    assert ranked.ranked and UNRANKED_NOTE not in render_search(ranked)
    assert embeds.search_results("rare7", ranked.hits, 0).description is None


async def test_the_fallback_has_a_budget_too_and_says_so_past_it(big_db: Database) -> None:
    """Page 400 of the newest matches means passing over 2,000 of them: past a zero budget
    the reader is told to narrow the search, and the search connection is free again."""
    hurried = EntryStore(big_db, search_budget_s=0.0, fallback_budget_s=0.0, top_k=False)
    with pytest.raises(SearchTooSlow) as refused:
        await hurried.search(parse_search("common"), 6, offset=2000)
    assert str(refused.value) == TOO_SLOW_NOTE
    assert (await EntryStore(big_db).search(parse_search("common"), 6)).ranked is True


async def test_a_search_that_waits_too_long_for_its_turn_is_told_to_retry(
    big_db: Database,
) -> None:
    impatient = EntryStore(big_db, search_wait_s=0.01)
    async with big_db.search_lock:  # another search holds the search connection
        with pytest.raises(SearchBusy) as refused:
            await impatient.search(parse_search("rare7"), 6)
    assert str(refused.value) == BUSY_NOTE
    assert ids(await impatient.search(parse_search("rare7"), 6)) == [7]
