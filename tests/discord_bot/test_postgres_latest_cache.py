"""``/brief latest`` on PostgreSQL is cached, yet an edit by another process shows at once.

The story of ``test_latest_cache.py`` on a PostgreSQL server: a running bot process answers a
reader, the operator runs ``briefbot import`` (another process, its own connections) against the
same server, and the reader's next ``/brief latest`` shows the imported entry. The bot learns of
the commit from PostgreSQL's NOTIFY (``bot.storage.postgres.data_version``), not by asking.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.discord_bot.bot_process import briefbot_run
from tests.discord_bot.conftest import add_server
from tests.factories import brief_text
from tests.reliability.support import briefbot
from tests.standins.discord import DiscordStandIn


async def test_an_import_by_another_process_shows_on_the_next_brief_latest(
    discord: DiscordStandIn, tmp_path: Path, postgres_url: str
) -> None:
    server = add_server(discord)
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "drones.md").write_text(brief_text("nk-drone-crews", "North Korean drone crews"))

    async def first_titles() -> list[str]:
        reply = await discord.run_command(
            server.guild, server.reader, "brief latest", channel=server.channel, count=2
        )
        return [card["title"] for card in reply.embeds]

    async with briefbot_run(discord, tmp_path, BRIEFBOT_DATABASE_URL=postgres_url) as bot:
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

        stopped = await bot.stop()
    assert stopped.returncode == 0, stopped.stderr[-2000:]
    assert "Traceback" not in stopped.stderr
