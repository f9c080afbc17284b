"""The real BriefingBot, on a temp database seeded from briefs/, against the Discord stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.discord.client import BriefingBot
from bot.adapters.discord.deps import DiscordDeps
from bot.app import App, open_app, seed_if_empty
from bot.clock import FixedClock
from bot.settings import Settings
from bot.storage.app_state import AppState
from bot.storage.servers import ServerStore
from tests.discord_standin import MANAGE_GUILD, Channel, DiscordStandIn, Guild, Member, running_bot

BRIEFS = Path(__file__).resolve().parents[2] / "briefs"
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


@dataclass
class Server:
    """A Discord server as a test sees it: one channel, an admin and a reader."""

    guild: Guild
    channel: Channel
    admin: Member
    reader: Member


@dataclass
class BotWorld:
    discord: DiscordStandIn
    app: App
    bot: BriefingBot
    server: Server


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def app(tmp_path: Path, clock: FixedClock) -> AsyncIterator[App]:
    settings = Settings(BRIEFBOT_DB=tmp_path / "bot.sqlite3", BRIEFBOT_BRIEFS_DIR=BRIEFS)
    async with open_app(settings, clock) as opened:
        await seed_if_empty(opened)
        yield opened


@pytest.fixture
async def world(discord: DiscordStandIn, app: App, clock: FixedClock) -> AsyncIterator[BotWorld]:
    guild = discord.add_guild("Analysts")
    server = Server(
        guild=guild,
        channel=guild.add_text_channel("briefing"),
        admin=guild.add_member("admin", permissions=MANAGE_GUILD),
        reader=guild.add_member("reader"),
    )
    deps = DiscordDeps(
        settings=app.settings,
        service=app.service,
        app_state=AppState(app.database),
        servers=ServerStore(app.database),
        clock=clock,
    )
    bot = BriefingBot(deps, guild_ready_timeout=0.1)
    async with running_bot(bot, discord) as running:
        yield BotWorld(discord, app, running, server)
