"""Hostile and odd text in every option and modal field, through the real command paths.

Each input either works or is answered with one clear ephemeral message (never an error id);
the database changes only on success; and the stand-in's schema check (which fails the test at
teardown) sees nothing Discord would refuse, including ``allowed_mentions`` on every message.
Inputs are clipped to what Discord's client lets a user send (option values ≤ 6000 characters,
each modal input to its ``max_length``), so the 10,000-character string reaches every field at
its limit.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.discord_bot.conftest import BotWorld
from tests.discord_bot.helpers import ADD_OPTIONS, DETAILS, FIGURES, SOURCES, SUMMARY, TITLE, form
from tests.standins.discord import Reply

OPTION_MAX = 6000
NASTY = [
    "",
    "   ",
    "\t\n \u3000",
    "x" * 10_000,
    "북한군 러시아 파병 — 국가정보원 발표",
    "Збройні сили України повідомили про бої в Курській області",
    "مرحبا بالعالم \u202eevil\u202c עברית",
    "\u200b\u200c\u200d\ufeff\u2060",
    "🚀🇰🇵🇷🇺 💥 👩‍👩‍👧‍👦",
    "**bold** __under__ `code` ```block``` ||spoiler|| > quote [link](https://x.org) # H",
    "@everyone",
    "@here look",
    "<@&123456789012345678>",
    "<@123456789012345678> <#123456789012345678>",
    "'; DROP TABLE entries; --",
    "1 OR 1=1",
    '" * NEAR( AND OR',
    "NEAR(troops shells, 2)",
    "title:* -",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "Name | javascript:alert(1)",
    "Name | file:///etc/passwd",
    "2024-02-30",
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "2026-13-01",
    "-1",
    "\x00\x07\x1b[31m",
    "%s %d {0} {{}} ${HOME}",
]
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=80))
SETTINGS = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TRIED: Counter[str] = Counter()


def clip(text: str, limit: int = OPTION_MAX) -> str:
    return text[:limit]


def assert_clear_refusal_or_answer(reply: Reply) -> bool:
    """True if it was a refusal: one ephemeral message, no error id. Else a real answer."""
    assert "error id" not in reply.content, reply.content
    if reply.ephemeral and not reply.embeds:
        assert reply.content.strip(), reply
        return True
    assert reply.embeds or reply.content, reply
    return False


READER_COMMANDS = ["latest", "show", "search", "since", "timeline", "figures"]


@SETTINGS
@given(command=st.sampled_from(READER_COMMANDS), text=TEXT, other=TEXT, count=st.integers(1, 25))
async def test_reader_commands_take_any_text(
    world: BotWorld, command: str, text: str, other: str, count: int
) -> None:
    s = world.server
    member = s.guild.add_member(f"reader-{len(world.sent)}")  # fresh: no search cooldown
    options: dict[str, Any] = {
        "latest": {"count": count, "topic": clip(text) or None, "actor": clip(other) or None},
        "show": {"entry": clip(text) or " "},
        "search": {"query": clip(text, 200) or " "},
        "since": {"date": clip(text) or " "},
        "timeline": {"start": None, "end": clip(other) or None, "actor": clip(text) or None},
        "figures": {"subject": clip(text) or None},
    }[command]
    if command == "timeline":
        options = {"from": clip(text) or None, "to": options["end"], "actor": options["actor"]}
    before = await world.snapshot()

    reply = await world.run(member, f"brief {command}", **options)

    refused = assert_clear_refusal_or_answer(reply)
    TRIED[f"brief {command} {'refused' if refused else 'answered'}"] += 1
    assert await world.snapshot() == before, "reading never writes"


@SETTINGS
@given(
    topics=TEXT,
    actors=TEXT,
    event_date=TEXT,
    status=st.sampled_from(["confirmed", "reported", "unconfirmed", "disputed", "denied"]),
    importance=st.integers(1, 3),
)
async def test_add_options_take_any_text(
    world: BotWorld, topics: str, actors: str, event_date: str, status: str, importance: int
) -> None:
    s = world.server
    options = {
        "topics": clip(topics) or " ",
        "actors": clip(actors) or " ",
        "status": status,
        "importance": importance,
        "event_date": clip(event_date) or None,
    }
    before = await world.snapshot()
    opened = await world.run(s.admin, "brief-admin add", **options)
    assert opened.modal is not None, opened
    title = f"Hostile options {len(before)} {len(world.sent)}"
    reply = await world.discord.submit_modal(opened, form(title=title), member=s.admin)

    check_saved_or_unchanged(reply, before, await world.snapshot())


@SETTINGS
@given(
    title=TEXT,
    summary=TEXT,
    details=TEXT,
    sources=TEXT,
    figures=TEXT,
    keep=st.sets(st.sampled_from([TITLE, SUMMARY, DETAILS, SOURCES, FIGURES]), max_size=4),
)
async def test_modal_fields_take_any_text(
    world: BotWorld,
    title: str,
    summary: str,
    details: str,
    sources: str,
    figures: str,
    keep: set[str],
) -> None:
    s = world.server
    opened = await world.run(s.admin, "brief-admin add", **ADD_OPTIONS)
    assert opened.modal is not None
    limits = modal_limits(opened.modal)
    typed = {TITLE: title, SUMMARY: summary, DETAILS: details, SOURCES: sources, FIGURES: figures}
    good = form(title=f"Good title {len(world.sent)}")
    fields = {
        label: clip(good[label] if label in keep else v, limits[label])
        for label, v in typed.items()
    }
    before = await world.snapshot()

    reply = await world.discord.submit_modal(opened, fields, member=s.admin)

    check_saved_or_unchanged(reply, before, await world.snapshot())


def modal_limits(modal: dict[str, Any]) -> dict[str, int]:
    limits = {}
    for row in modal["components"]:
        for item in row.get("components") or [row.get("component")]:
            limits[item.get("label") or row.get("label")] = int(item.get("max_length") or 4000)
    return limits


def check_saved_or_unchanged(reply: Reply, before: list[Any], after: list[Any]) -> None:
    assert reply.ephemeral, reply
    assert "error id" not in reply.content, reply.content
    if reply.content.startswith("Added `"):
        TRIED["add saved"] += 1
        slug = reply.content.split("`")[1]
        assert sorted([*before, (slug, 1, False)]) == after, "exactly one new entry"
    else:
        TRIED["add refused"] += 1
        assert reply.content.startswith("That entry was not saved"), reply.content
        assert after == before, "a refused form changes nothing"


def test_report_inputs_tried() -> None:
    """Prints the tally for docs/reliability.md (run with -s)."""
    print(f"hostile inputs tried: {sum(TRIED.values())} {dict(sorted(TRIED.items()))}")
