"""Full-text search: documented syntax works, and no text typed by a user can break it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.brief_files import read_brief_files
from bot.clock import FixedClock
from bot.domain.entries import MARK_END, MARK_START
from bot.domain.search_query import parse_search
from bot.domain.vocabulary import Vocabulary
from bot.service import BriefingService, SearchResults
from bot.storage.database import open_database
from bot.storage.entry_store import EntryStore

from .conftest import BRIEFS, NIS_SLUG, NOW

Search = Callable[[str], SearchResults]

NASTY = ['"', "*", "AND OR", "NEAR(", "-", "'; DROP TABLE entries; --", "^", ":", "{}"]


@pytest.fixture(scope="module")
def search(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Search]:
    """Search over the shipped briefs, runnable from plain (hypothesis) test functions."""
    path: Path = tmp_path_factory.mktemp("search") / "briefbot.sqlite3"
    with asyncio.Runner() as runner:
        database = runner.run(open_database(path))
        service = BriefingService(EntryStore(database), FixedClock(NOW), Vocabulary())
        runner.run(service.import_documents(read_brief_files([BRIEFS]).documents, "test"))
        try:
            yield lambda text: runner.run(service.search(text, per_page=25))
        finally:
            runner.run(database.close())


def slugs(results: SearchResults) -> set[str]:
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
