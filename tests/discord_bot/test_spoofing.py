"""Spoofing on Discord: a second link smuggled into a source, masked links, hidden characters."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.discord.safe_text import safe
from bot.domain.entries import Source
from bot.storage.entry_store import EntryStore
from tests.discord_bot.conftest import BotWorld
from tests.discord_bot.helpers import ADD_OPTIONS, form
from tests.factories import brief_file, raw_entry

EVIL_URL = "https://ok.example/x)[Official_NIS_statement](https://evil.example"
# A masked link as Discord reads one: an unescaped ``[``, any text (newlines too), ``](url)``.
MASKED_LINK = re.compile(r"(?<!\\)\[((?:\\.|[^\\\]])*)\]\(([^)\s]*)\)", re.DOTALL)
# Discord renders a masked link whose text spans lines; discord.py only escapes one-line ones.
SPANNING_LINK = "Read the [Official\nNIS statement](https://evil.example/login) now."


def problem_lines(content: str) -> list[str]:
    return [line[2:] for line in content.splitlines() if line.startswith("• ")]


async def test_the_link_injecting_source_is_refused_in_the_add_form(world: BotWorld) -> None:
    s = world.server
    before = await world.snapshot()
    opened = await world.run(s.admin, "brief-admin add", **ADD_OPTIONS)

    rejected = await world.discord.submit_modal(
        opened, form(sources=f"Kyiv Post | {EVIL_URL}"), member=s.admin
    )

    assert rejected.ephemeral and "Nothing was saved" in rejected.content
    assert problem_lines(rejected.content) == [
        "sources[1].url: contains '[', which is not allowed in a web address (write it as %5B)"
    ]
    assert await world.snapshot() == before


async def test_the_link_injecting_source_is_refused_in_an_imported_file(world: BotWorld) -> None:
    s = world.server
    before = await world.snapshot()
    upload = world.discord.upload("evil.md", brief_file("evil-one", "Evil", url=f"'{EVIL_URL}'"))

    reply = await world.run(s.admin, "brief-admin import", file=upload)

    assert reply.content.startswith("Nothing was imported:")
    assert "• evil.md: sources[1].url: contains '['" in reply.content
    assert await world.snapshot() == before


@pytest.mark.parametrize(
    ("typed", "field", "code"),
    [
        ({"title": "NIS \u202etnemetats\u202c troops"}, "title", "U+202E"),
        ({"summary": "Seen\u200bin Kursk.\nSecond line."}, "summary", "U+200B"),
        ({"sources": "Kyiv\u2066 Post | https://www.kyivpost.com/"}, "sources[1].name", "U+2066"),
        ({"sources": "Kyiv Post | https://www.kyivpost.com/\u2069"}, "sources[1].url", "U+2069"),
        (
            {"figures": "about 1,000\u2067 | North Korean engineers | Ukraine | reported"},
            "figures[1].display",
            "U+2067",
        ),
        (
            {"figures": "about 1,000 | engineers | Ukrainian\u2068 officials | reported"},
            "figures[1].claimed_by",
            "U+2068",
        ),
    ],
)
async def test_hidden_characters_are_refused_with_the_field_and_the_character(
    world: BotWorld, typed: dict[str, str], field: str, code: str
) -> None:
    s = world.server
    before = await world.snapshot()
    opened = await world.run(s.admin, "brief-admin add", **ADD_OPTIONS)

    rejected = await world.discord.submit_modal(opened, form(**typed), member=s.admin)

    expected = f"{field}: contains an invisible or direction-changing character ({code})"
    assert expected in problem_lines(rejected.content)
    assert await world.snapshot() == before


async def test_a_masked_link_spanning_lines_is_shown_as_text(world: BotWorld) -> None:
    s = world.server
    opened = await world.run(s.admin, "brief-admin add", **ADD_OPTIONS)
    saved = await world.discord.submit_modal(
        opened,
        form(summary=SPANNING_LINK, details="See [the\nfull text](https://evil.example/2)."),
        member=s.admin,
    )
    slug = saved.content.split("`")[1]

    shown = await world.run(s.reader, "brief show", entry=slug)
    latest = await world.run(s.reader, "brief latest", count=1)

    description = shown.embed["description"]
    assert "Read the \\[Official\nNIS statement\\](https://evil.example/login) now." in description
    assert "See \\[the\nfull text\\](https://evil.example/2)." in description
    assert MASKED_LINK.findall(description) == []
    assert MASKED_LINK.findall(latest.embed["description"]) == []
    assert "\\[Official\nNIS statement\\]" in latest.embed["description"]


async def test_an_entry_stored_before_these_rules_shows_no_hidden_characters(
    world: BotWorld,
) -> None:
    s = world.server
    service = world.app.service
    clean = await service.add(raw_entry(slug="stored-long-ago"), "editor")
    legacy = dataclasses.replace(
        clean.content,
        title="NIS \u202etnemetats\u202c on troops",
        summary="Seen\u200b in\u2066 Kursk.",
        sources=(Source("Kyiv\u2067 Post", "https://www.kyivpost.com/a b)"),),
    )
    await EntryStore(world.app.database).edit(clean.slug, legacy, "old-import", service.clock.now())

    shown = await world.run(s.reader, "brief show", entry=clean.slug)

    assert shown.embed["title"] == "NIS tnemetats on troops"
    assert "Seen in Kursk." in shown.embed["description"]
    assert [(b["label"], b["url"]) for b in shown.buttons] == [
        ("Kyiv Post", "https://www.kyivpost.com/a%20b%29")
    ]


@given(st.text(alphabet="[]()\\\n ab*_`|>#-", max_size=60))
def test_no_bracket_survives_discord_escaping(text: str) -> None:
    escaped = safe(text)
    for match in re.finditer(r"[\[\]]", escaped):
        backslashes = len(escaped[: match.start()]) - len(escaped[: match.start()].rstrip("\\"))
        assert backslashes % 2 == 1, escaped
