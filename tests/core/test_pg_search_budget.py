"""Time-bounded search on PostgreSQL: the same budgets, fallback and answers as on SQLite
(tests/core/test_search_budget.py), on a real throwaway server.

A zero budget skips ranking outright; a real ``statement_timeout`` is forced by a lock held on
the entries table, which the search must wait for, so no test depends on the machine's speed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import pytest

from bot.adapters.discord import embeds
from bot.adapters.slack import render as slack_render
from bot.clock import FixedClock
from bot.domain.search_query import BUSY_NOTE, TOO_SLOW_NOTE, UNRANKED_NOTE, parse_search
from bot.domain.vocabulary import Vocabulary
from bot.rendering.text import render_search
from bot.service import BriefingService
from bot.storage.budget import SearchBusy, SearchTooSlow
from bot.storage.postgres.database import PgDatabase, open_postgres
from bot.storage.postgres.entry_store import PgEntryStore
from bot.storage.url import parse_database_url
from tests.factories import entry_content

from .conftest import NOW
from .search_pages import ids
from .search_pages import newest_ids as newest_matches

ENTRIES = 600
DELETED = ENTRIES - 2  # one of the newest matches is deleted: the fallback must skip it
TITLE_HIT = 300  # "zephyr" in its title; in the body of entry 301: the title ranks first


@pytest.fixture
async def big_db(postgres_url: str) -> AsyncIterator[PgDatabase]:
    """600 entries, every one with the word "common"; "rare7" in entry 7 only."""
    database = await open_postgres(parse_database_url(postgres_url))
    contents = [
        entry_content(
            slug=f"entry-{i}",
            title=f"Common report number {i} {'rare7' if i == 7 else 'plain'}"
            + (" zephyr" if i == TITLE_HIT else ""),
            summary=f"A common summary of report {i}, common to all of them.",
            body="Later the zephyr came." if i == TITLE_HIT + 1 else "",
        )
        for i in range(1, ENTRIES + 1)
    ]
    store = PgEntryStore(database)
    await store.import_many(contents, "test", NOW)
    await store.set_deleted(f"entry-{DELETED}", True, "test", NOW)
    # What autovacuum does soon after a large import: the planner's estimates need statistics.
    await database.fetch("ANALYZE entries")
    try:
        yield database
    finally:
        await database.close()


def newest_ids(count: int, skip: int = 0) -> list[int]:
    return newest_matches(ENTRIES, DELETED, count, skip)


Release = Callable[[], Awaitable[None]]


@pytest.fixture
async def locked(big_db: PgDatabase, postgres_url: str) -> AsyncIterator[Release]:
    """Another session holds the entries table, so every search waits; awaiting the fixture's
    value lets go."""
    connection = await asyncpg.connect(parse_database_url(postgres_url).secret)
    await connection.execute("BEGIN; LOCK TABLE entries IN ACCESS EXCLUSIVE MODE")

    async def release() -> None:
        if connection.is_in_transaction():
            await connection.execute("ROLLBACK")

    try:
        yield release
    finally:
        await release()
        await connection.close()


async def test_best_matches_first_titles_weigh_most(big_db: PgDatabase) -> None:
    page = await PgEntryStore(big_db).search(parse_search("zephyr"), 6)

    assert page.ranked is True
    assert ids(page) == [TITLE_HIT, TITLE_HIT + 1]
    assert "\x02zephyr\x03" in page.hits[0].snippet  # from the title: the only match
    assert page.hits[1].snippet.startswith("…") and "\x02zephyr\x03" in page.hits[1].snippet


async def test_over_budget_falls_back_to_newest_matches(big_db: PgDatabase) -> None:
    store = PgEntryStore(big_db, search_budget_s=0.0)
    page = await store.search(parse_search("common"), 6)
    assert page.ranked is False
    assert ids(page) == newest_ids(6)
    assert all("\x02" in hit.snippet for hit in page.hits)  # snippets are still marked


async def test_a_search_expected_to_match_too_many_shows_the_newest_at_once(
    big_db: PgDatabase,
) -> None:
    store = PgEntryStore(big_db, rank_at_most=100)  # the planner expects ~600 for "common"

    page = await store.search(parse_search("common"), 6)
    assert page.ranked is False
    assert ids(page) == newest_ids(6)
    rare = await store.search(parse_search("rare7 common"), 6)
    assert rare.ranked is True and ids(rare) == [7]


async def test_a_rare_word_is_ranked_whatever_the_planner_guesses_for_it(
    big_db: PgDatabase,
) -> None:
    """The planner guesses a share for words its statistics do not list; below 1 % of the
    entries a search is still ranked (through the index), so a rare word never walks the
    table newest first looking for matches that are not there."""
    store = PgEntryStore(big_db, rank_at_most=1)

    rare = await store.search(parse_search("rare7"), 6)
    assert rare.ranked is True and ids(rare) == [7]
    assert (await store.search(parse_search("nowhere"), 6)).hits == ()
    assert (await store.search(parse_search("common"), 6)).ranked is False


async def test_fallback_pages_follow_each_other(big_db: PgDatabase) -> None:
    service = BriefingService(
        PgEntryStore(big_db, search_budget_s=0.0), FixedClock(NOW), Vocabulary()
    )
    seen: list[int] = []
    for number in range(3):
        results = await service.search("common", number, 5)
        assert results.ranked is False and results.has_next is True
        seen += [hit.entry.id for hit in results.hits]
    assert seen == newest_ids(15)
    final = (ENTRIES - 2) // 5  # the last page: 4 hits, nothing after it
    last = await service.search("common", final, 5)
    assert [hit.entry.id for hit in last.hits] == newest_ids(5, skip=final * 5)
    assert last.has_next is False


async def test_ranked_pages_follow_each_other(big_db: PgDatabase) -> None:
    service = BriefingService(PgEntryStore(big_db), FixedClock(NOW), Vocabulary())
    seen: list[int] = []
    number = 0
    while True:
        results = await service.search("common", number, 100)
        assert results.ranked is True
        seen += [hit.entry.id for hit in results.hits]
        if not results.has_next:
            break
        number += 1
    assert sorted(seen) == sorted(newest_ids(ENTRIES))  # every match once, none twice


async def test_every_rendering_tells_the_reader(big_db: PgDatabase) -> None:
    service = BriefingService(
        PgEntryStore(big_db, search_budget_s=0.0), FixedClock(NOW), Vocabulary()
    )
    results = await service.search("common", 0, 5)
    assert render_search(results).splitlines()[0] == UNRANKED_NOTE
    assert embeds.search_results("common", results.hits, 0, results.ranked).description == (
        UNRANKED_NOTE
    )
    assert UNRANKED_NOTE in str(slack_render.search_results("common", results.hits, 0, False))
    ranked = await BriefingService(PgEntryStore(big_db), FixedClock(NOW), Vocabulary()).search(
        "rare7"
    )
    assert ranked.ranked and UNRANKED_NOTE not in render_search(ranked)
    assert [hit.entry.id for hit in ranked.hits] == [7]


async def test_a_statement_past_both_budgets_says_narrow_it(
    big_db: PgDatabase, locked: Release
) -> None:
    """The server cancels each statement at its budget (here: waiting on a lock), the reader
    is told to narrow the search, and the connection serves the next search."""
    hurried = PgEntryStore(big_db, search_budget_s=0.2, fallback_budget_s=0.2)
    with pytest.raises(SearchTooSlow) as refused:
        await hurried.search(parse_search("rare7"), 6)
    assert str(refused.value) == TOO_SLOW_NOTE
    await locked()

    assert ids(await hurried.search(parse_search("rare7"), 6)) == [7]


async def test_a_search_that_waits_too_long_for_its_turn_is_told_to_retry(
    big_db: PgDatabase, locked: Release
) -> None:
    store = PgEntryStore(big_db, search_budget_s=5.0, search_wait_s=0.1)
    # Two searches take both slots (they wait on the lock); the third may not queue behind.
    holders = [asyncio.create_task(store.search(parse_search("rare7"), 6)) for _ in range(2)]
    await asyncio.sleep(0.05)
    with pytest.raises(SearchBusy) as refused:
        await store.search(parse_search("rare7"), 6)
    assert str(refused.value) == BUSY_NOTE
    await locked()
    assert [ids(await holder) for holder in holders] == [[7], [7]]
    assert ids(await store.search(parse_search("rare7"), 6)) == [7]
