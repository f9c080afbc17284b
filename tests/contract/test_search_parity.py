"""SQLite and PostgreSQL find the same entries for the same search; only the order may differ.

Both backends hold the shipped briefs plus entries written to catch where the engines' word
rules differ (hyphens, decimals, web addresses, accents, case, a phrase across two columns);
every search below must match exactly the same slugs on both.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.domain.search_query import parse_search
from tests.contract.backends import BACKENDS, place_postgres
from tests.contract.conftest import NOW
from tests.factories import entry_content, shipped_briefs
from tests.pg_cluster import Cluster, new_database

Slugs = Callable[[str], tuple[set[str], set[str]]]

CRAFTED = [
    entry_content(
        slug="hyphens-and-decimals",
        title="North-Korean shells: 1.5 million rounds",
        summary="Seen via kcna.kp and https://example.org/path_to/page?x=1 by naïve ÉLITE"
        " analysts.",
        body="Straße to the front; x_y co-operation",
    ),
    entry_content(
        slug="phrase-across-columns",
        title="Pyongyang ships zorvak",
        summary="Quellon reach Kursk, officials vossen.",
        body="Brimtal officials confirmed.",
    ),
    entry_content(
        slug="unicode-words",
        title="Корея и Россия",
        summary="Сеул заявил: «войска КНДР» в Курске. 북한군 파병",
        body="Ünïcödé wörds, ÅSTRÖM.",
    ),
]

QUERIES = [
    "commandos",
    "Commandos",
    '"grave security threat"',
    '"threat security grave"',
    "commandos -nato",
    "zinoviev OR commandos",
    "comman*",
    "comman",
    "kor*",
    "north-kor*",
    '"north korean"',
    "north-korean",
    "1.5",
    '"1 5"',
    "5",
    "kcna",
    "kp",
    "example org",
    "path_to",
    "path",
    "naive",
    "naïve",
    "elite",
    "élite",
    "straße",
    "x_y",
    "co-operation",
    "operation",
    '"zorvak quellon"',  # the title's last word, the summary's first: not a phrase
    '"vossen brimtal"',  # the summary's last word, the body's first: not a phrase
    "zorvak quellon vossen brimtal",
    "корея",
    "КОРЕЯ",
    "курске",
    "북한군",
    "unicode",
    "astrom",
    "the",
    "the -the",
    "troops OR -troops",
    "ka*",
    "kas*",
    "pyong* -zorvak",
    "a" * 3000,
    "a" * 3000 + " OR troops",
]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, postgres_cluster: Cluster) -> Iterator[Slugs]:
    """Each search's slugs on SQLite and on PostgreSQL, over the same entries."""
    openers = []
    for name in ("sqlite", "postgres"):
        folder = tmp_path_factory.mktemp(f"parity-{name}")
        if name == "postgres":
            place_postgres(folder, postgres_cluster.url(new_database(postgres_cluster)))
        openers.append(BACKENDS[name](folder, FixedClock(NOW)))
    with asyncio.Runner() as runner:
        backends = [runner.run(opened.__aenter__()) for opened in openers]
        try:
            for backend in backends:
                runner.run(backend.entries.import_many([*shipped_briefs(), *CRAFTED], "test", NOW))

            def slugs(text: str) -> tuple[set[str], set[str]]:
                query = parse_search(text)
                pages = [runner.run(b.entries.search(query, 10_000)) for b in backends]
                first, second = ({hit.entry.slug for hit in page.hits} for page in pages)
                return first, second

            yield slugs
        finally:
            for opened in openers:
                runner.run(opened.__aexit__(None, None, None))


@pytest.mark.parametrize("text", QUERIES)
def test_same_matches_on_both_backends(both: Slugs, text: str) -> None:
    on_sqlite, on_postgres = both(text)

    assert on_postgres == on_sqlite


def test_the_crafted_cases_do_match_something(both: Slugs) -> None:
    """The parity above is not the trivial one of two empty sets."""
    for text, slug in [
        ("1.5", "hyphens-and-decimals"),
        ("kcna", "hyphens-and-decimals"),
        ("naive", "hyphens-and-decimals"),
        ('"north korean"', "hyphens-and-decimals"),
        ("корея", "unicode-words"),
        ("курске", "unicode-words"),
        ("zorvak quellon vossen brimtal", "phrase-across-columns"),
    ]:
        on_sqlite, on_postgres = both(text)
        assert slug in on_sqlite and slug in on_postgres, text
    assert both('"zorvak quellon"') == (set(), set())
    assert both('"vossen brimtal"') == (set(), set())


WORDS = ["north", "korea", "korean", "troops", "kursk", "shells", "the", "russia", "seoul"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(WORDS)
        | st.sampled_from(WORDS).map(lambda w: f"-{w}")
        | st.sampled_from(WORDS).map(lambda w: f"{w[:3]}*")
        | st.lists(st.sampled_from(WORDS), min_size=2, max_size=3).map(
            lambda ws: '"' + " ".join(ws) + '"'
        )
        | st.just("OR"),
        max_size=5,
    ).map(" ".join)
)
@example("north OR korea -troops")
def test_any_combination_of_the_syntax_matches_the_same(both: Slugs, text: str) -> None:
    on_sqlite, on_postgres = both(text)

    assert on_postgres == on_sqlite
