"""`briefbot run` on PostgreSQL: the bot process keeps its record in a PostgreSQL server
(``BRIEFBOT_DATABASE_URL``) and answers readers from it, and the URL's password is in no log."""

from __future__ import annotations

from pathlib import Path

from bot.backends import opened_storage
from bot.storage.url import parse_database_url
from tests.discord_bot.bot_process import serve_a_reader
from tests.factories import shipped_briefs
from tests.standins.discord import DiscordStandIn

PASSWORD = "never-in-a-log"


async def test_the_bot_runs_on_postgresql_and_answers_brief_latest(
    discord: DiscordStandIn, tmp_path: Path, postgres_url: str
) -> None:
    url = postgres_url.replace("postgres@", f"postgres:{PASSWORD}@")  # trusted: never checked
    stopped = await serve_a_reader(discord, tmp_path, BRIEFBOT_DATABASE_URL=url)

    assert stopped.returncode == 0, stopped.stderr[-2000:]
    output = stopped.output
    assert "database: postgresql://postgres:***@/" in output
    assert PASSWORD not in output
    assert "Traceback" not in output
    # The record the bot answered from is the server's: the shipped briefs were seeded there,
    # and no SQLite file was made beside it.
    async with opened_storage(parse_database_url(postgres_url)) as storage:
        assert await storage.entries.count() == len(shipped_briefs())
    assert not (tmp_path / "data" / "briefbot.sqlite3").exists()
