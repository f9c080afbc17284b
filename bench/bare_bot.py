"""A bare discord.py bot (same intents, no cogs, no database): the memory and start-up floor.

Run as ``python -m bench.bare_bot`` with DISCORD_TOKEN, DISCORD_API_BASE_URL and
DISCORD_GATEWAY_URL set; prints ``ready`` on stderr once connected, then idles until killed.
"""

from __future__ import annotations

import asyncio
import os
import sys

import discord
from discord.ext import commands

from bot.adapters.discord.endpoints import configure_endpoints


class BareBot(commands.Bot):
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
