"""`briefbot run` on PostgreSQL: the bot process keeps its record in a PostgreSQL server
(``BRIEFBOT_DATABASE_URL``) and answers readers from it, and the URL's password is in no log."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from bot.backends import opened_storage
from bot.storage.url import parse_database_url
from tests.discord_bot.conftest import BRIEFS
from tests.discord_bot.test_subprocess import BRIEFBOT
from tests.factories import shipped_briefs
from tests.standins.discord import DiscordStandIn

PASSWORD = "never-in-a-log"


async def test_the_bot_runs_on_postgresql_and_answers_brief_latest(
    discord: DiscordStandIn, tmp_path: Path, postgres_url: str
) -> None:
    guild = discord.add_guild("Analysts")
    channel = guild.add_text_channel("briefing")
    reader = guild.add_member("reader")
    url = postgres_url.replace("postgres@", f"postgres:{PASSWORD}@")  # trusted: never checked
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "BRIEFBOT_"))}
    env.update(
        DISCORD_TOKEN=discord.token,
        DISCORD_API_BASE_URL=discord.api_base_url,
        DISCORD_GATEWAY_URL=discord.gateway_url,
        BRIEFBOT_DATABASE_URL=url,
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
    assert "database: postgresql://postgres:***@/" in output
    assert PASSWORD not in output
    assert "Traceback" not in output
    # The record the bot answered from is the server's: the shipped briefs were seeded there,
    # and no SQLite file was made beside it.
    async with opened_storage(parse_database_url(postgres_url)) as storage:
        assert await storage.entries.count() == len(shipped_briefs())
    assert not (tmp_path / "data" / "briefbot.sqlite3").exists()
