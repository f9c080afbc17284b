"""Spoofing through entry text: hidden characters and link syntax are refused, by field."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.text_safety import is_hidden, link_target
from bot.domain.validation import EntryValidationError, validate_entry
from bot.domain.vocabulary import Vocabulary
from bot.rendering.terminal import printable
from tests.factories import raw_entry

TODAY = date(2024, 10, 22)
EVIL_URL = "https://ok.example/x)[Official_NIS_statement](https://evil.example"
FIGURE = {
    "display": "at least 1,500",
    "counts": "North Korean troops deployed to Russia",
    "claimed_by": "South Korea's NIS",
    "status": "confirmed",
}


def problems_for(**overrides: Any) -> dict[str, str]:
    with pytest.raises(EntryValidationError) as caught:
        validate_entry(raw_entry(**overrides), Vocabulary(), TODAY)
    return {problem.field: problem.message for problem in caught.value.problems}


def test_the_link_injecting_address_is_refused_by_name() -> None:
    problems = problems_for(sources=[{"name": "NIS", "url": EVIL_URL}])

    assert problems == {
        "sources[1].url": "contains '[', which is not allowed in a web address (write it as %5B)"
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://ok.example/a b", "contains a space or line break (U+0020); write spaces as %20"),
        ("https://ok.example/a\u00a0b", "contains a space or line break (U+00A0)"),
        ("https://ok.example/<script>", "contains '<'"),
        ("https://ok.example/x|y", "contains '|'"),
        ("https://ok.example/`x`", "contains '`'"),
        ("https://ok.example/a\\b", "contains '\\'"),
        ("https://[::1/", "contains '['"),
        ("https://ok.example/\u202egpj.exe", "invisible or direction-changing character (U+202E)"),
        ("https://ok\u200b.example/", "invisible or direction-changing character (U+200B)"),
    ],
)
def test_addresses_with_link_syntax_spaces_or_hidden_characters_are_refused(
    url: str, message: str
) -> None:
    assert message in problems_for(sources=[{"name": "NIS", "url": url}])["sources[1].url"]


def test_ordinary_addresses_still_pass_including_parentheses() -> None:
    urls = [
        "https://en.wikipedia.org/wiki/Kursk_offensive_(2024)",
        "https://www.kyivpost.com/post/40125?utm_source=x&a=%20b#frag",
        "https://www.yna.co.kr/view/AKR20241018~*!$'+,;=:@",
    ]
    raw = raw_entry(sources=[{"name": f"Source {i}", "url": url} for i, url in enumerate(urls)])

    content = validate_entry(raw, Vocabulary(), TODAY)

    assert [source.url for source in content.sources] == urls


HIDDEN = ["\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200f", "\ufeff", "\u3164"]


@pytest.mark.parametrize("char", HIDDEN)
@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("title", lambda c: {"title": f"NIS confirms {c}troops"}),
        ("summary", lambda c: {"summary": f"Line one.\nLine {c}two."}),
        ("body", lambda c: {"body": f"Details\n\n{c}more"}),
        ("sources[1].name", lambda c: {"sources": [{"name": f"NIS{c}", "url": "https://a.b/"}]}),
        ("figures[1].display", lambda c: {"figures": [FIGURE | {"display": f"1,500{c}"}]}),
        ("figures[1].counts", lambda c: {"figures": [FIGURE | {"counts": f"troops{c}"}]}),
        ("figures[1].claimed_by", lambda c: {"figures": [FIGURE | {"claimed_by": f"{c}NIS"}]}),
    ],
)
def test_hidden_characters_are_refused_in_every_text_field(
    char: str, field: str, overrides: Any
) -> None:
    problems = problems_for(**overrides(char))

    code = f"U+{ord(char):04X}"
    assert problems[field] == f"contains an invisible or direction-changing character ({code})"


def test_a_source_name_must_be_one_line() -> None:
    problems = problems_for(sources=[{"name": "NIS\nOfficial", "url": "https://a.b/"}])

    assert problems == {"sources[1].name": "must be a single line"}


def test_multi_line_text_keeps_its_newlines_and_ordinary_unicode() -> None:
    summary = "Первая строка — 북한군.\n\tSecond line: “quoted” 1,500 (NIS) 🇰🇷"

    content = validate_entry(raw_entry(summary=summary), Vocabulary(), TODAY)

    assert content.summary == summary


def test_link_target_encodes_what_could_end_a_link() -> None:
    assert link_target(EVIL_URL) == (
        "https://ok.example/x%29%5BOfficial_NIS_statement%5D%28https://evil.example"
    )
    assert link_target("https://a.b/x y|z>\u202e") == "https://a.b/x%20y%7Cz%3E%E2%80%AE"
    assert link_target("https://a.b/plain?q=1&r=%20#f") == "https://a.b/plain?q=1&r=%20#f"


@given(st.text())
def test_link_target_never_leaves_link_syntax(url: str) -> None:
    target = link_target(url)
    assert not set(target) & set("()[]<>|\"'` \n\r\t\\")
    assert target.isprintable()


@given(st.text())
def test_terminal_output_never_holds_a_control_or_hidden_character(text: str) -> None:
    shown = printable(text)
    assert all(
        char in "\n\t"
        or unicodedata.category(char) == "Zs"
        or (char.isprintable() and not is_hidden(char))
        for char in shown
    )
    shown.encode("utf-8")  # lone surrogates, which could not be written, are escaped too
