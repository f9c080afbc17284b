"""The bench's bot world: the product bot in this process against the Discord stand-in, on
the archive (or on PostgreSQL), plus the no-op floor command and the report figures go to."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bench import synth
from bot.adapters.discord.client import BriefingBot
from bot.adapters.discord.deps import DiscordDeps
from bot.app import App, open_app
from bot.clock import FixedClock
from bot.domain.search_query import TOO_SLOW_NOTE
from bot.settings import Settings
from tests.standins.discord import Channel, DiscordStandIn, Guild, Member, running_bot

ROOT = Path(__file__).resolve().parents[1]
NOW = synth.NOW


@dataclass
class Report:
    """The figures so far; each is also printed as one JSON line when recorded."""

    entries: int
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, name: str, value: float, target: str, met: bool | None, **detail: Any) -> None:
        record = {"name": name, "value": round(value, 3), "target": target, "met": met, **detail}
        self.figures[name] = record
        print(json.dumps(record), flush=True)


def say(text: str) -> None:
    print(f"# {text}", file=sys.stderr, flush=True)


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages now (a figure is only as quiet as its machine)."""
    return [round(x, 2) for x in os.getloadavg()]


class Noop(commands.Cog):
    """The floor command: answers at once, touching nothing."""

    @app_commands.command(name="bench-noop", description="Benchmark floor: does nothing")
    async def noop(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok")


class BenchBot(BriefingBot):
    """The product bot plus the no-op command (benchmark only; the product has no such cog)."""

    async def setup_hook(self) -> None:
        await self.add_cog(Noop())
        await super().setup_hook()


@dataclass
class World:
    standin: DiscordStandIn
    app: App
    bot: BenchBot
    guilds: list[tuple[Guild, Channel, Member]]
    callbacks: dict[int, float]
    failures: list[str] = field(default_factory=list)
    users: int = 0
    # Searches answered "Search took too long" (both time budgets spent): an answer, not a
    # failure, but counted apart.
    too_slow: int = 0

    async def command(self, name: str, **options: Any) -> float:
        """Seconds from the stand-in sending INTERACTION_CREATE to receiving the callback."""
        guild, channel, _ = self.guilds[0]
        # A new user each time: the bot's per-user cooldown would otherwise answer instead.
        self.users += 1
        member = guild.add_member(f"reader-{self.users}")
        record = self.standin.start_command(guild, member, name, channel=channel, **options)
        reply = await self.standin.wait_reply(record)
        title = str(reply.embeds[0].get("title", "")) if reply.embeds else ""
        if name == "brief search" and reply.content == TOO_SLOW_NOTE:
            self.too_slow += 1
        elif name == "brief search" and not title.startswith("Search"):
            self.failures.append(f"{name} {options}: {reply!r}"[:300])
        return self.callbacks[record.id] - record.sent_at


def stamp_callbacks(standin: DiscordStandIn) -> dict[int, float]:
    """Record when each interaction callback reaches the stand-in, before it reads the body."""
    stamps: dict[int, float] = {}
    read_body = standin.rest._read_body
    callback = re.compile(r"/interactions/(\d+)/[^/]+/callback$")

    async def stamped(request: Any) -> Any:
        found = callback.search(request.path)
        if found:
            stamps[int(found.group(1))] = asyncio.get_running_loop().time()
        return await read_body(request)

    standin.rest._read_body = stamped  # type: ignore[method-assign]
    return stamps


@asynccontextmanager
async def bot_world(
    db: Path, guilds: int = 1, settings: Settings | None = None
) -> AsyncIterator[World]:
    """The bot on the archive ``db``, or on the database ``settings`` name (PostgreSQL)."""
    clock = FixedClock(NOW)
    settings = settings or Settings.from_env(BRIEFBOT_DB=db, BRIEFBOT_BRIEFS_DIR=ROOT / "no-briefs")
    standin = DiscordStandIn(reply_timeout=60.0, interaction_deadline=60.0)
    await standin.start()
    try:
        made = []
        for n in range(guilds):
            guild = standin.add_guild(f"Server {n}")
            made.append((guild, guild.add_text_channel("briefing"), guild.add_member("reader")))
        async with open_app(settings, clock) as app:
            deps = DiscordDeps(
                settings=settings,
                service=app.service,
                app_state=app.storage.app_state,
                servers=app.storage.servers(clock=clock),
                ledger=app.storage.ledger(),
                clock=clock,
                corrections=app.storage.corrections(),
            )
            bot = BenchBot(deps, guild_ready_timeout=0.5, digests=False)
            async with running_bot(bot, standin, sync_commands=True, ready_timeout=120.0):
                yield World(standin, app, bot, made, stamp_callbacks(standin))
    finally:
        await standin.stop()
