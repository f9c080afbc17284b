"""The PostgreSQL tsquery text built from a parsed search: every word a quoted lexeme, so no
operator, quote or backslash typed by a user reaches ``to_tsquery`` as syntax. (That the server
accepts it and finds the same entries as SQLite is tested over both backends in
tests/contract/test_search.py.)"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.domain.search_query import SearchPart, SearchQuery, parse_search
from bot.storage.postgres.tsquery import TsQueries, tsqueries

# A quoted lexeme ('' is a quote inside it), then what may stand between lexemes.
_LEXEME = re.compile(r"'(?:[^'\\]|''|\\.)*'")
_OPERATORS = re.compile(r"[ &|!()<\->:*ABC]*")


def built(text: str) -> TsQueries | None:
    return tsqueries(parse_search(text))


def phrase(*lexemes: str) -> str:
    """A phrase within one column: title (A), summary (B) or body (C)."""
    per_column = []
    for weight in "ABC":
        marked = [lex + weight if lex.endswith("*") else f"{lex}:{weight}" for lex in lexemes]
        per_column.append("( " + " <-> ".join(marked) + " )")
    return "( " + " | ".join(per_column) + " )"


def test_documented_syntax() -> None:
    assert built("ballistic missiles") == TsQueries("'ballistic' & 'missiles'", None)
    assert built('"north korea" troops') == TsQueries(
        phrase("'north'", "'korea'") + " & 'troops'", None
    )
    assert built("zinoviev OR commandos") == TsQueries("( 'zinoviev' | 'commandos' )", None)
    assert built("kor*") == TsQueries("'kor':*", None)
    assert built("north-kor*") == TsQueries(phrase("'north'", "'kor':*"), None)
    assert built('commandos -nato -"kim jong"') == TsQueries(
        "'commandos'", "'nato' | " + phrase("'kim'", "'jong'")
    )


def test_short_prefix_is_a_whole_word_as_on_sqlite() -> None:
    assert built("ka*") == TsQueries("'ka'", None)


def test_nothing_searchable_builds_nothing() -> None:
    for text in ["", "   ", '"', "*", "-", "^ : {}", "AND", "-word", "!()&|", "\x00"]:
        assert built(text) is None, text


def test_only_exclusions_search_nothing_rather_than_everything() -> None:
    assert built("-nato -kim") is None


def test_operators_in_words_are_dropped_not_obeyed() -> None:
    assert built("a&b|c !d (e) f:g j:*") == TsQueries(
        phrase("'a'", "'b'", "'c'") + " & 'd' & 'e' & " + phrase("'f'", "'g'") + " & 'j'", None
    )
    assert built("'; DROP TABLE entries; --") == TsQueries("'drop' & 'table' & 'entries'", None)


def test_quote_and_backslash_are_escaped_even_if_a_term_holds_them() -> None:
    term = SearchPart(("it's", "a\\b"), prefix=True)
    query = SearchQuery("x", '"x"', ("x",), ((term,),))

    assert tsqueries(query) == TsQueries(phrase("'it''s'", "'a\\\\b':*"), None)


def test_unicode_nul_stop_words_and_long_input() -> None:
    assert built("Корея naïve ＫＩＭ") == TsQueries("'корея' & 'naïve' & 'ｋｉｍ'", None)
    assert built("the\x00 a") == TsQueries("'the' & 'a'", None)  # no stop-words dropped
    long = built("x" * 2_000 + ' "' + "y " * 5_000)
    assert long is not None and long.matching.startswith("'" + "x" * 2_000 + "' & ( ( 'y':A <-> ")


def test_a_word_too_long_to_index_matches_nothing_instead_of_being_dropped() -> None:
    huge = "x" * 10_000
    assert built(f"{huge} troops") is None
    assert built(f'"north {huge}" troops') is None
    assert built(f"{huge} OR troops") == TsQueries("'troops'", None)
    assert built(f"troops -{huge}") == TsQueries("'troops'", None)
    assert built("é" * 1_023) is not None and built("é" * 1_024) is None  # bytes, not letters


@settings(max_examples=500, deadline=None)
@given(
    st.text()
    | st.lists(
        st.sampled_from(
            ["'", "\\", ":*", "&", "|", "!", "(", ")", "<->", '"', "-", "OR", "a", "b*", "\x00"]
        )
    ).map("".join)
)
@example("'\\'' OR \\ -'")
def test_any_text_is_quoted_lexemes_and_operators_only(text: str) -> None:
    result = built(text)
    if result is None:
        return
    for part in (result.matching, result.excluded or ""):
        assert _OPERATORS.fullmatch(_LEXEME.sub("", part)), part
        assert "\x00" not in part
