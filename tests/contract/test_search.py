"""Search port: documented syntax works, and no text typed by a user can break it (moved
from tests/core; over every backend).

Ranking may differ between backends (bm25 on SQLite, ts_rank_cd on PostgreSQL), so these tests
compare sets of matches, never their order, except
:func:`test_a_title_match_ranks_above_a_body_only_match`, the one ordering every backend
promises ("titles weigh most"). That both backends find the very same sets is
tests/contract/test_search_parity.py."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.domain.entries import MARK_END, MARK_START, SearchPage
from bot.domain.search_query import parse_search
from tests.contract.backends import BACKENDS, Backend, place_postgres
from tests.contract.conftest import NOW
from tests.factories import NIS_SLUG, entry_content, shipped_briefs
from tests.pg_cluster import new_database

Search = Callable[[str], SearchPage]

NASTY = ['"', "*", "AND OR", "NEAR(", "-", "'; DROP TABLE entries; --", "^", ":", "{}"]


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def search(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Search]:
    """Search over the shipped briefs, runnable from plain (hypothesis) test functions."""
    folder = tmp_path_factory.mktemp("search")
    if request.param == "postgres":
        cluster = request.getfixturevalue("postgres_cluster")
        place_postgres(folder, cluster.url(new_database(cluster)))
    opened = BACKENDS[request.param](folder, FixedClock(NOW))
    with asyncio.Runner() as runner:
        backend = runner.run(opened.__aenter__())
        try:
            runner.run(backend.entries.import_many(shipped_briefs(), "test", NOW))
            yield lambda text: runner.run(backend.entries.search(parse_search(text), 26))
        finally:
            runner.run(opened.__aexit__(None, None, None))


def slugs(results: SearchPage) -> set[str]:
    return {hit.entry.slug for hit in results.hits}


@settings(max_examples=300, deadline=None)
@given(
    st.text() | st.lists(st.sampled_from([*NASTY, "north", "korea", "OR", "-shells"])).map(" ".join)
)
@example("'; DROP TABLE entries; --")
@example('"unbalanced')
@example("NEAR(")
@example('-"')
@example("OR OR -")
@example('ab* -* "*" NEAR(a b, 2) col:value {title}: ^start')
def test_any_text_gives_results_or_none_never_an_error(search: Search, text: str) -> None:
    results = search(text)

    assert isinstance(results.hits, tuple)


def test_table_survives_injection_attempt(search: Search) -> None:
    search("'; DROP TABLE entries; --")

    assert NIS_SLUG in slugs(search("commandos"))


def test_single_word_finds_entry_with_marked_snippet(search: Search) -> None:
    results = search("commandos")

    assert NIS_SLUG in slugs(results)
    assert all(f"{MARK_START}commandos{MARK_END}" in hit.snippet for hit in results.hits)


def test_exact_phrase_only_matches_words_together(search: Search) -> None:
    phrase = search('"grave security threat"')
    loose = search("threat grave")

    assert slugs(phrase) == {"seoul-summons-russian-ambassador-zinoviev"}
    assert slugs(search('"threat security grave"')) == set()
    assert slugs(phrase) <= slugs(loose)


def test_exclusion_removes_matching_entries(search: Search) -> None:
    everything = slugs(search("commandos"))
    without_nato = slugs(search("commandos -nato"))

    assert "yoon-rutte-call-south-korea-will-not-stand-idle" in everything
    assert without_nato == everything - {"yoon-rutte-call-south-korea-will-not-stand-idle"}


def test_or_matches_either_word(search: Search) -> None:
    either = slugs(search("zinoviev OR commandos"))

    assert either == slugs(search("zinoviev")) | slugs(search("commandos"))
    assert slugs(search("zinoviev commandos")) == set()


def test_prefix_matches_word_beginnings(search: Search) -> None:
    assert slugs(search("comman*")) >= slugs(search("commandos"))
    assert NIS_SLUG in slugs(search("comman*"))
    assert slugs(search("comman")) == set()


def test_nothing_searchable_is_an_empty_query() -> None:
    for text in ["", "   ", '"', "*", "-", "^ : {}", "AND", "-word"]:
        assert parse_search(text).is_empty, text


async def test_a_title_match_ranks_above_a_body_only_match(backend: Backend) -> None:
    """Order-sensitive: the entry naming the word in its title comes first, whatever the
    order they were recorded in."""
    await backend.entries.add(
        entry_content(slug="in-the-title", title="Zephyr rockets shipped to Russia"), "ana", NOW
    )
    await backend.entries.add(
        entry_content(slug="in-the-body", body="The zephyr rockets were mentioned in passing."),
        "ana",
        NOW,
    )

    page = await backend.entries.search(parse_search("zephyr"), 10)

    assert [hit.entry.slug for hit in page.hits] == ["in-the-title", "in-the-body"]
    assert page.ranked is True
