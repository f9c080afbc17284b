"""A bare discord.py bot (same intents, no cogs, no database): the memory and start-up floor.

Run as ``python -m bench.bare_bot`` with DISCORD_TOKEN, DISCORD_API_BASE_URL and
DISCORD_GATEWAY_URL set; prints ``serving`` on stderr once READY and every guild it lists
have arrived (the rule the product logs "serving commands" by), ``ready`` at discord.py's
on_ready, then idles until killed.
"""

from __future__ import annotations

import asyncio
import os
import sys

import discord
from discord.ext import commands

from bot.adapters.discord.endpoints import configure_endpoints


class BareBot(commands.Bot):
    serving = False

    async def on_connect(self) -> None:
        self._serving()

    async def on_guild_available(self, guild: discord.Guild) -> None:
        self._serving()

    def _serving(self) -> None:
        if not self.serving and not any(guild.unavailable for guild in self.guilds):
            self.serving = True
            print("serving", file=sys.stderr, flush=True)

    async def on_ready(self) -> None:
        print("ready", file=sys.stderr, flush=True)


async def main() -> None:
    configure_endpoints(os.environ["DISCORD_API_BASE_URL"], os.environ["DISCORD_GATEWAY_URL"])
    intents = discord.Intents.none()
    intents.guilds = True
    bot = BareBot(command_prefix=commands.when_mentioned, intents=intents, help_command=None)
    async with bot:
        await bot.start(os.environ["DISCORD_TOKEN"])


if __name__ == "__main__":
    asyncio.run(main())
