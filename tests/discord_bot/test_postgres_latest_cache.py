"""``/brief latest`` on PostgreSQL is cached, yet an edit by another process shows at once.

The story of ``test_latest_cache.py`` on a PostgreSQL server: a running bot process answers a
reader, the operator runs ``briefbot import`` (another process, its own connections) against the
same server, and the reader's next ``/brief latest`` shows the imported entry. The bot learns of
the commit from PostgreSQL's NOTIFY (``bot.storage.postgres.data_version``), not by asking.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from tests.discord_bot.conftest import BRIEFS
from tests.discord_bot.test_subprocess import BRIEFBOT
from tests.factories import brief_text
from tests.reliability.support import briefbot
from tests.standins.discord import DiscordStandIn


async def test_an_import_by_another_process_shows_on_the_next_brief_latest(
    discord: DiscordStandIn, tmp_path: Path, postgres_url: str
) -> None:
    guild = discord.add_guild("Analysts")
    channel = guild.add_text_channel("briefing")
    reader = guild.add_member("reader")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "BRIEFBOT_"))}
    env.update(
        DISCORD_TOKEN=discord.token,
        DISCORD_API_BASE_URL=discord.api_base_url,
        DISCORD_GATEWAY_URL=discord.gateway_url,
        BRIEFBOT_DATABASE_URL=postgres_url,
        BRIEFBOT_BRIEFS_DIR=str(BRIEFS),
    )
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "drones.md").write_text(brief_text("nk-drone-crews", "North Korean drone crews"))

    async def first_titles() -> list[str]:
        reply = await discord.run_command(guild, reader, "brief latest", channel=channel, count=2)
        return [card["title"] for card in reply.embeds]

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
        before = await first_titles()
        assert "Yoon" in before[0]
        assert await first_titles() == before  # asked again: the same (cached) page

        done = await asyncio.to_thread(
            briefbot,
            "import",
            str(folder),
            db=tmp_path / "unused.sqlite3",
            cwd=tmp_path,
            BRIEFBOT_DATABASE_URL=postgres_url,
        )
        assert done.returncode == 0, done.stderr

        assert await first_titles() == ["North Korean drone crews", before[0]]

        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 5)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()[-2000:]
    assert "Traceback" not in stderr.decode()
