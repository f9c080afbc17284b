"""`briefbot run` as its own process against the stand-in; command sync across restarts."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from bot.adapters.discord.client import BriefingBot
from bot.app import App
from bot.clock import FixedClock
from tests.discord_bot.conftest import BRIEFS, make_deps
from tests.standins.discord import DiscordStandIn, running_bot

ROOT = Path(__file__).resolve().parents[2]
BRIEFBOT = ROOT / ".venv" / "bin" / "briefbot"


async def test_the_bot_process_connects_answers_and_stops_cleanly_on_sigterm(
    discord: DiscordStandIn, tmp_path: Path
) -> None:
    guild = discord.add_guild("Analysts")
    channel = guild.add_text_channel("briefing")
    reader = guild.add_member("reader")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "BRIEFBOT_"))}
    env.update(
        DISCORD_TOKEN=discord.token,
        DISCORD_API_BASE_URL=discord.api_base_url,
        DISCORD_GATEWAY_URL=discord.gateway_url,
        BRIEFBOT_DB=str(tmp_path / "bot.sqlite3"),
        BRIEFBOT_BRIEFS_DIR=str(BRIEFS),
    )
    process = await asyncio.create_subprocess_exec(
        str(BRIEFBOT),
        "run",
        env=env,
        cwd=tmp_path,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await discord.wait_for_session(timeout=20)
        await asyncio.wait_for(discord.commands_synced.wait(), 10)
        reply = await discord.run_command(guild, reader, "brief latest", channel=channel)
        assert len(reply.embeds) == 5
        assert "Yoon" in reply.embeds[0]["title"]

        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 5)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert process.returncode == 0, stderr.decode()[-2000:]
    output = stdout.decode() + stderr.decode()
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
