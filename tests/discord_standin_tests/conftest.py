"""Fixtures for the stand-in's own tests: a connected SampleBot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from tests.standins.discord import Channel, DiscordStandIn, Guild, Member, running_bot

from .sample_bot import SampleBot


@dataclass
class World:
    """A declared guild with a channel and a member, plus the running bot."""

    guild: Guild
    channel: Channel
    alice: Member
    bot: SampleBot


@pytest.fixture
async def world(discord: DiscordStandIn) -> AsyncIterator[World]:
    """A guild "Test Server" with #briefing and alice, and SampleBot logged in and synced."""
    guild = discord.add_guild("Test Server")
    channel = guild.add_text_channel("briefing")
    alice = guild.add_member("alice")
    bot = SampleBot()
    async with running_bot(bot, discord):
        yield World(guild, channel, alice, bot)
