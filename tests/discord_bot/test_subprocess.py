"""`briefbot run` as its own process against the stand-in; command sync across restarts."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.discord.client import BriefingBot
from bot.app import App
from bot.clock import FixedClock
from tests.discord_bot.bot_process import serve_a_reader
from tests.discord_bot.conftest import make_deps
from tests.standins.discord import DiscordStandIn, running_bot


async def test_the_bot_process_connects_answers_and_stops_cleanly_on_sigterm(
    discord: DiscordStandIn, tmp_path: Path
) -> None:
    stopped = await serve_a_reader(discord, tmp_path, BRIEFBOT_DB=str(tmp_path / "bot.sqlite3"))

    assert stopped.returncode == 0, stopped.stderr[-2000:]
    output = stopped.output
    assert discord.token not in output, "the token is never logged"
    assert "stopping" in output
    # No newsroom set: one line says how to turn editing through chat on.
    assert "set BRIEFBOT_NEWSROOM_DISCORD_GUILD_ID to the newsroom's id" in output
    assert "Traceback" not in output
    # Once serving, start-up's objects leave the collector's passes (bot/platforms/heap.py).
    assert "start-up heap frozen" in output


async def test_commands_are_synced_once_and_not_again_when_unchanged(
    discord: DiscordStandIn, app: App, clock: FixedClock
) -> None:
    def puts() -> int:
        return sum(
            1 for method, path, _ in discord.requests if method == "PUT" and "commands" in path
        )

    newsroom = discord.add_guild("Newsroom")
    deps = make_deps(app, clock, newsroom=newsroom)
    async with running_bot(BriefingBot(deps, guild_ready_timeout=0.1), discord):
        assert puts() == 2  # the global list and the newsroom's
        assert "brief" in {c["name"] for c in discord.commands[None]}
        assert [c["name"] for c in discord.commands[newsroom.id]] == ["brief-admin"]

    async with running_bot(BriefingBot(deps, guild_ready_timeout=0.1), discord):
        assert puts() == 2, "same definitions, same database: no second sync"
