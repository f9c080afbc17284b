"""Daily digests through the real BriefingBot, discord.py and the Discord stand-in.

Reuses the temp database, settings and FixedClock of ``tests/discord_bot``; the bot gets a
tiny retry policy so transient-failure stories take milliseconds, not minutes.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord.client import BriefingBot
from bot.app import App, open_app, seed_if_empty
from bot.clock import FixedClock
from bot.delivery import RetryPolicy
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.ledger import LedgerRow, LedgerStatus
from bot.settings import Settings
from tests.discord_bot.conftest import BRIEFS, NOW, SentBody, make_deps, record_bodies
from tests.standins.discord import (
    MANAGE_GUILD,
    Channel,
    DiscordStandIn,
    Guild,
    Member,
    Message,
    Reply,
    running_bot,
)

__all__ = ["NOW"]  # re-exported for the tests

PLATFORM = "discord"
MESSAGES_ROUTE = "POST /channels/{channel_id}/messages"
TINY_RETRY = RetryPolicy(delays=(0.01, 0.02, 0.03), attempt_timeout=30.0)
# 20:00 in Seoul on NOW's local date (2026-11-29) is 11:00 UTC; NOW is 09:00 UTC.
SEOUL_TIME = "20:00"
SEOUL = "Asia/Seoul"
DUE = datetime(2026, 11, 29, 11, 0, tzinfo=UTC)
DAY = DUE.date()


def make_bot(app: App, clock: FixedClock) -> BriefingBot:
    deps = dataclasses.replace(make_deps(app, clock), retry=TINY_RETRY)
    return BriefingBot(deps, guild_ready_timeout=0.1)


@asynccontextmanager
async def bot_running(
    discord: DiscordStandIn, app: App, clock: FixedClock, *, ready_timeout: float = 20.0
) -> AsyncIterator[BriefingBot]:
    """A fresh BriefingBot on ``app``'s database, connected until the block ends."""
    async with running_bot(make_bot(app, clock), discord, ready_timeout=ready_timeout) as bot:
        yield bot


async def catch_up_done(bot: BriefingBot, limit: float = 20.0) -> None:
    """Wait for the start-up catch-up task the bot runs once ready."""
    task = bot.runtime.catch_up_task
    assert task is not None, "the bot did not start its digest catch-up"
    await asyncio.wait_for(asyncio.shield(task), limit)


async def eventually(check: Callable[[], Any], limit: float = 20.0, what: str = "") -> None:
    """Poll ``check`` (sync or async) until truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await asyncio.sleep(0.05)


def digest_messages(discord: DiscordStandIn, channel: Channel) -> list[Message]:
    """The digests in ``channel``: the bot's own messages, not interaction answers."""
    return [
        m
        for m in discord.messages(channel)
        if m.author.bot and m.interaction_id is None and m.embeds
    ]


def footer(message: Message) -> str:
    return str(message.embeds[-1].get("footer", {}).get("text", ""))


@dataclass
class DigestWorld:
    discord: DiscordStandIn
    app: App
    clock: FixedClock
    bot: BriefingBot
    guild: Guild
    channel: Channel
    admin: Member
    reader: Member
    sent: list[SentBody]

    @property
    def gid(self) -> str:
        return str(self.guild.id)

    async def run(self, member: Member, command: str, **options: Any) -> Reply:
        """``/command`` as ``member``, run in the briefing channel."""
        return await self.discord.run_command(
            self.guild, member, command, channel=self.channel, **options
        )

    async def setup(
        self,
        channel: Channel | None = None,
        time: str = SEOUL_TIME,
        timezone: str = SEOUL,
        **more: Any,
    ) -> Reply:
        return await self.run(
            self.admin,
            "digest setup",
            options={"channel": channel or self.channel, "time": time, "timezone": timezone},
            **more,
        )

    async def schedule(self, guild: Guild | None = None) -> DigestSchedule | None:
        settings = await self.bot.deps.servers.get(PLATFORM, str((guild or self.guild).id))
        return None if settings is None else settings.schedule

    async def row(self, guild: Guild | None = None, day: Any = DAY) -> LedgerRow | None:
        return await self.bot.deps.ledger.get(PLATFORM, str((guild or self.guild).id), day)

    async def status_of(self, guild: Guild | None = None, day: Any = DAY) -> LedgerStatus | None:
        row = await self.row(guild, day)
        return None if row is None else row.status

    def digests(self, channel: Channel | None = None) -> list[Message]:
        return digest_messages(self.discord, channel or self.channel)

    def sends(self, channel: Channel | None = None) -> int:
        return self.discord.message_requests(channel or self.channel)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def app(tmp_path: Path, clock: FixedClock) -> AsyncIterator[App]:
    settings = Settings.from_env(BRIEFBOT_DB=tmp_path / "bot.sqlite3", BRIEFBOT_BRIEFS_DIR=BRIEFS)
    async with open_app(settings, clock) as opened:
        await seed_if_empty(opened)
        yield opened


@pytest.fixture
async def dw(discord: DiscordStandIn, app: App, clock: FixedClock) -> AsyncIterator[DigestWorld]:
    sent = record_bodies(discord)
    guild = discord.add_guild("Analysts")
    channel = guild.add_text_channel("briefing")
    admin = guild.add_member("admin", permissions=MANAGE_GUILD)
    reader = guild.add_member("reader")
    async with bot_running(discord, app, clock) as bot:
        # The start-up catch-up runs in its own task once ready; on a loaded machine it could
        # start after a test moved the clock to the digest's time and claim that digest first.
        await eventually(lambda: bot.runtime.catch_up_task is not None, what="catch-up started")
        await catch_up_done(bot)
        yield DigestWorld(discord, app, clock, bot, guild, channel, admin, reader, sent)
