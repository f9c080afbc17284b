"""The real BriefingBot, on a temp database seeded from briefs/, against the Discord stand-in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord.client import BriefingBot
from bot.adapters.discord.deps import DiscordDeps
from bot.app import App, open_app, seed_if_empty
from bot.clock import FixedClock
from bot.intake.wiring import intake_desk
from bot.service import BriefingService
from bot.settings import Settings
from tests.standins.discord import (
    MANAGE_GUILD,
    Channel,
    DiscordStandIn,
    Guild,
    Member,
    Reply,
    running_bot,
)

BRIEFS = Path(__file__).resolve().parents[2] / "briefs"
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
SEEDED = 10


@dataclass
class Server:
    """A Discord server as a test sees it: one channel, an admin and a reader."""

    guild: Guild
    channel: Channel
    admin: Member
    reader: Member


@dataclass
class SentBody:
    """One JSON body the bot sent to the stand-in (``payload_json`` for multipart)."""

    method: str
    path: str
    body: Any


@dataclass
class BotWorld:
    discord: DiscordStandIn
    app: App
    bot: BriefingBot
    server: Server
    sent: list[SentBody] = field(default_factory=list)

    async def run(self, member: Member, command: str, **options: Any) -> Reply:
        """``/command`` as ``member`` in the server's briefing channel."""
        s = self.server
        return await self.discord.run_command(
            s.guild, member, command, channel=s.channel, **options
        )

    async def snapshot(self) -> list[tuple[str, int, bool]]:
        """Every entry's slug, revision and deleted flag: what 'nothing changed' compares."""
        entries = await self.app.service.entries(include_deleted=True)
        return sorted((e.slug, e.revision, e.is_deleted) for e in entries)


def add_server(discord: DiscordStandIn) -> Server:
    """A new server with a briefing channel, an admin and a reader."""
    guild = discord.add_guild("Analysts")
    return Server(
        guild=guild,
        channel=guild.add_text_channel("briefing"),
        admin=guild.add_member("admin", permissions=MANAGE_GUILD),
        reader=guild.add_member("reader"),
    )


def record_bodies(discord: DiscordStandIn) -> list[SentBody]:
    """Keep every request body the stand-in receives (it validates them but keeps none)."""
    sent: list[SentBody] = []
    read_body = discord.rest._read_body

    async def recording(request: Any) -> Any:
        result = await read_body(request)
        if result[0] is not None:
            path = request.path.split("/api/v10", 1)[-1]
            sent.append(SentBody(request.method, path, json.loads(json.dumps(result[0]))))
        return result

    discord.rest._read_body = recording  # type: ignore[method-assign]
    return sent


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(BRIEFBOT_DB=tmp_path / "bot.sqlite3", BRIEFBOT_BRIEFS_DIR=BRIEFS)


@pytest.fixture
async def app(settings: Settings, clock: FixedClock) -> AsyncIterator[App]:
    async with open_app(settings, clock) as opened:
        await seed_if_empty(opened)
        yield opened


ServiceFactory = Callable[[App], BriefingService]


@pytest.fixture
def service_factory() -> ServiceFactory:
    """The service handed to the bot; override in a test module to inject failures."""
    return lambda app: app.service


def make_deps(
    app: App,
    clock: FixedClock,
    service: BriefingService | None = None,
    *,
    newsroom: Guild | None = None,
) -> DiscordDeps:
    """The bot's dependencies; ``newsroom`` is the guild whose members may edit."""
    settings = app.settings
    if newsroom is not None:
        settings = settings.replace(newsroom_discord_guild_id=newsroom.id)
    return DiscordDeps(
        settings=settings,
        service=service or app.service,
        # Through the ports, so a test whose settings name PostgreSQL runs the bot on it.
        app_state=app.storage.app_state,
        servers=app.storage.servers(),
        ledger=app.storage.ledger(),
        clock=clock,
        corrections=app.storage.corrections(),
        intake_desk=intake_desk(app),
    )


@pytest.fixture
async def world(
    discord: DiscordStandIn, app: App, clock: FixedClock, service_factory: ServiceFactory
) -> AsyncIterator[BotWorld]:
    sent = record_bodies(discord)
    server = add_server(discord)
    # The test server is the newsroom: its admins and editor roles edit, as before.
    deps = make_deps(app, clock, service_factory(app), newsroom=server.guild)
    bot = BriefingBot(deps, guild_ready_timeout=0.1)
    async with running_bot(bot, discord) as running:
        yield BotWorld(discord, app, running, server, sent)
