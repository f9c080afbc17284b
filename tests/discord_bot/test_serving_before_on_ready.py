"""The bot answers as soon as every guild has arrived, not after discord.py's quiet period.

discord.py dispatches ``on_ready`` ``guild_ready_timeout`` seconds after the last guild
arrived (2 s by default). The bot logs "serving commands" as soon as READY and every guild
it lists are in, and a reader's command is answered from that moment: that is what the
benchmark's ``ready_s`` times.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.adapters.discord.client import BriefingBot
from bot.app import App
from bot.clock import FixedClock
from tests.discord_bot.conftest import make_deps
from tests.standins.discord import DiscordStandIn
from tests.standins.discord.runner import point_discord_py_at


class Serving(logging.Handler):
    """Sets ``logged`` when the bot logs that it is serving commands."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.logged = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "serving commands" in record.getMessage():
            self.logged.set()


async def test_a_command_is_answered_once_serving_is_logged_before_on_ready(
    discord: DiscordStandIn, app: App, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    guild = discord.add_guild("Analysts")
    channel = guild.add_text_channel("briefing")
    reader = guild.add_member("reader")
    bot = BriefingBot(make_deps(app, clock), guild_ready_timeout=30.0)
    caplog.set_level(logging.INFO, logger="bot.adapters.discord.client")
    serving = Serving()
    logging.getLogger("bot.adapters.discord.client").addHandler(serving)
    point_discord_py_at(discord)
    running = asyncio.create_task(bot.start(discord.token))
    try:
        await asyncio.wait_for(serving.logged.wait(), 10)
        assert not bot.is_ready()  # discord.py would wait 30 s more for further guilds

        latest = await discord.run_command(guild, reader, "brief latest", channel=channel, count=1)

        assert latest.embed["title"]
        assert not bot.is_ready()
        assert "serving commands in 1 servers" in caplog.text
    finally:
        logging.getLogger("bot.adapters.discord.client").removeHandler(serving)
        await bot.close()
        await asyncio.wait_for(running, 5)
