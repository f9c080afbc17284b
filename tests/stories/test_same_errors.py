"""The same failure reads the same on Discord, Slack, the CLI and the console.

Each case is one thing going wrong while someone asks for an entry; each platform is
driven the way a person uses it (a slash command through discord.py and the Discord
stand-in, ``/brief`` through slack-bolt and the Slack stand-in, ``briefbot`` through its
entry point, a line typed into the console) and the test reads what that person sees.
Two cases are real (an unknown entry, a damaged page under the running bots); the others
are raised inside the use case, where storage or validation would raise them.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot import cli
from bot.adapters.console.shell import Console
from bot.app import App
from bot.clock import FixedClock
from bot.domain import errors
from bot.service import BriefingService
from bot.usecases.import_checks import ImportRejected
from tests.discord_bot.conftest import BRIEFS, BotWorld
from tests.slack.conftest import READER, running_world
from tests.standins.slack.standin import SlackStandIn

SLUG = "nis-confirms-north-korean-special-forces-in-russia"
SECRET = "no such column: internal_detail in /srv/briefbot/secret.sqlite3"
ERROR_ID = re.compile(r"Something went wrong on our side \(error id `[0-9a-f]{8}`\)")
DAMAGED = errors.DatabaseDamaged.sentence

Ask = Callable[[str], Awaitable[str]]


def damage_entries_table(db: Path) -> None:
    """Point the entries table at an index page, as a torn write would leave it.

    Done through SQLite itself (never the raw file: that would drop the bot's locks), so
    every open connection sees the damage on its next read: "database disk image is
    malformed" (SQLITE_CORRUPT), the error a damaged page gives.
    """
    raw = sqlite3.connect(db, isolation_level=None, timeout=10)
    try:
        index_root = raw.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entries'"
        ).fetchone()[0]
        version = raw.execute("PRAGMA schema_version").fetchone()[0]
        raw.execute("PRAGMA writable_schema = ON")
        raw.execute(
            "UPDATE sqlite_master SET rootpage = ? WHERE type = 'table' AND name = 'entries'",
            (index_root,),
        )
        raw.execute(f"PRAGMA schema_version = {version + 1}")  # readers reload the schema
    finally:
        raw.close()


def failing_show(error: BaseException) -> Callable[..., Any]:
    async def show(self: BriefingService, ref: str) -> Any:
        raise error

    return show


REJECTED = ImportRejected(
    ["war.md: title: is required", "war.md: sources[0].url: must start with http:// or https://"]
)

CASES: dict[str, tuple[BaseException | None, str, str]] = {
    # name: (raised inside the use case, or None for real; the entry asked for; expected)
    "unknown entry": (None, "no-such-entry", "no entry 'no-such-entry'"),
    "stale edit": (
        errors.StaleRevision(
            f"{SLUG} was changed by eve (now revision 3); reopen it and try again"
        ),
        SLUG,
        f"{SLUG} was changed by eve (now revision 3); reopen it and try again",
    ),
    "duplicate slug": (
        errors.DuplicateSlug(f"another entry already uses the slug '{SLUG}'"),
        SLUG,
        f"another entry already uses the slug '{SLUG}'",
    ),
    "busy database": (errors.DatabaseBusy(), SLUG, errors.DatabaseBusy.sentence),
    "damaged database read": (None, SLUG, DAMAGED),
    "internal ValueError": (ValueError(SECRET), SLUG, "error id"),
    "rejected import": (REJECTED, SLUG, "nothing was imported"),
}


async def ask_everywhere(
    world: BotWorld,
    slack: Any,
    console: Console,
    cli_run: Callable[[str], tuple[int, str]],
    ref: str,
) -> dict[str, str]:
    """What a person reads on each platform after asking to see ``ref``."""
    discord = await world.run(world.server.reader, "brief show", entry=ref)
    assert discord.ephemeral, "errors are answered privately on Discord"
    answer = await slack.command(READER, f"show {ref}")
    assert answer.response["response_type"] == "ephemeral", "and on Slack"
    code, stderr = await asyncio.to_thread(cli_run, ref)
    assert code == cli.EXIT_FAILED
    return {
        "discord": discord.content,
        "slack": answer.text,
        "cli": stderr,
        "console": await console.handle(f"/brief show {ref}"),
    }


@pytest.mark.parametrize("case", list(CASES), ids=str)
async def test_the_same_error_reads_the_same_on_every_platform(
    case: str,
    world: BotWorld,
    app: App,
    standin: SlackStandIn,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raised, ref, expected = CASES[case]
    db = app.settings.db_path
    monkeypatch.setenv("BRIEFBOT_DB", str(db))
    monkeypatch.setenv("BRIEFBOT_BRIEFS_DIR", str(BRIEFS))
    monkeypatch.setenv("BRIEFBOT_LOG_LEVEL", "WARNING")
    monkeypatch.chdir(tmp_path)  # no .env from the checkout

    def cli_run(entry: str) -> tuple[int, str]:
        code = cli.main(["show", entry])
        return code, capsys.readouterr().err

    console = Console(app.service, ZoneInfo("UTC"))
    async with running_world("socket", tmp_path, standin, clock) as slack:
        if raised is not None:
            monkeypatch.setattr(BriefingService, "show", failing_show(raised))
        if case == "damaged database read":
            damage_entries_table(db)

        seen = await ask_everywhere(world, slack, console, cli_run, ref)

    for platform, text in seen.items():
        if case == "internal ValueError":
            assert ERROR_ID.search(text), (platform, text)
            assert "internal_detail" not in text and "/srv" not in text, (platform, text)
        elif case == "rejected import":
            for problem in REJECTED.problems:
                assert str(problem) in text, (platform, text)
            assert expected in text.lower(), (platform, text)
        else:
            assert expected in text, (platform, text)
            if platform != "cli":  # the operator's line also names the file
                assert "sqlite" not in text.lower() and "malformed" not in text, (platform, text)


async def test_a_damaged_read_on_slack_says_the_database_is_damaged(
    tmp_path: Path, standin: SlackStandIn, clock: FixedClock
) -> None:
    """Both transports; a page of results and one entry both meet the damaged table."""
    async with running_world("http", tmp_path, standin, clock) as slack:
        damage_entries_table(slack.app.settings.db_path)

        latest = await slack.command(READER, "latest")
        show = await slack.command(READER, f"show {SLUG}")

    for answer in (latest, show):
        assert DAMAGED in answer.text
        assert "error id" not in answer.text and "malformed" not in answer.text


async def test_a_database_refusal_in_sqlites_words_stays_out_of_chat_and_the_console(
    world: BotWorld,
    app: App,
    standin: SlackStandIn,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Slack used to show any DatabaseError's text, SQLite's own words and paths included."""
    refusal = errors.DatabaseUnavailable(f"{app.settings.db_path}: the database refused: {SECRET}")
    console = Console(app.service, ZoneInfo("UTC"))
    async with running_world("socket", tmp_path, standin, clock) as slack:
        monkeypatch.setattr(BriefingService, "show", failing_show(refusal))

        seen = [
            (await world.run(world.server.reader, "brief show", entry=SLUG)).content,
            (await slack.command(READER, f"show {SLUG}")).text,
            await console.handle(f"/brief show {SLUG}"),
        ]

    for text in seen:
        assert errors.UNAVAILABLE in text
        assert "internal_detail" not in text and "sqlite3" not in text, text
