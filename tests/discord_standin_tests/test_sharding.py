"""Sharding: each session hears only its shard's guilds, whichever process holds it.

Two unmodified ``AutoShardedBot``s stand for two bot processes, each given some shards of the
same bot: Discord's formula ``(guild_id >> 22) % shard_count`` decides which one receives a
guild's GUILD_CREATE and its members' slash commands. ``GET /gateway/bot`` recommends a shard
count, and the global rate limit is one budget for the whole bot, across all its processes.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any

import discord as discordpy
import pytest
from discord.ext import commands

from tests.standins.discord import DiscordStandIn, running_bot

from .sample_bot import SampleBot


class ShardedSampleBot(SampleBot, commands.AutoShardedBot):
    """SampleBot over discord.py's AutoShardedClient; notes the interactions it receives."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.heard: list[int] = []  # guild ids of the interactions this process received

    async def on_interaction(self, itx: discordpy.Interaction) -> None:
        self.heard.append(itx.guild_id or 0)


async def test_each_process_hears_only_the_guilds_of_its_shards(discord: DiscordStandIn) -> None:
    desks = [discord.add_guild(f"Desk {n}", shard=(n % 2, 2)) for n in range(4)]
    for guild in desks:
        guild.add_text_channel("briefing")
    members = [guild.add_member("reader") for guild in desks]
    first = ShardedSampleBot(shard_ids=[0], shard_count=2)
    second = ShardedSampleBot(shard_ids=[1], shard_count=2)
    async with running_bot(first, discord), running_bot(second, discord):
        assert {g.id for g in first.guilds} == {desks[0].id, desks[2].id}
        assert {g.id for g in second.guilds} == {desks[1].id, desks[3].id}

        replies = [
            await discord.run_command(guild, member, "brief latest")
            for guild, member in zip(desks, members, strict=True)
        ]

    assert all(reply.embed["title"] == "Latest briefing" for reply in replies)
    assert first.heard == [desks[0].id, desks[2].id]
    assert second.heard == [desks[1].id, desks[3].id]
    identified = sorted(e.shard for e in discord.gateway.events if e.kind == "identify")
    assert identified == [(0, 2), (1, 2)]


async def test_a_guild_added_later_reaches_only_its_shard(discord: DiscordStandIn) -> None:
    discord.add_guild("First", shard=(0, 2))
    first = ShardedSampleBot(shard_ids=[0], shard_count=2)
    second = ShardedSampleBot(shard_ids=[1], shard_count=2)
    async with running_bot(first, discord), running_bot(second, discord):
        late = discord.add_guild("Joined later", shard=(1, 2))
        await discord.flush()
        assert second.get_guild(late.id) is not None
        assert first.get_guild(late.id) is None


async def test_gateway_bot_recommends_a_shard_count_and_the_client_follows(
    discord: DiscordStandIn,
) -> None:
    discord.guilds_per_shard = 3  # Discord says about 1,000; small here to keep it quick
    guilds = [discord.add_guild(f"Desk {n}", shard=(n % 2, 2)) for n in range(5)]
    bot = ShardedSampleBot()  # no shard count: ask Discord
    async with running_bot(bot, discord, ready_timeout=30):
        assert bot.shard_count == 2
        assert {g.id for g in bot.guilds} == {g.id for g in guilds}
        assert {g.id: g.shard_id for g in bot.guilds} == {g.id: n % 2 for n, g in enumerate(guilds)}
    assert ("GET", "/gateway/bot") in {(m, p) for m, p, _ in discord.requests}


async def test_the_global_rate_limit_is_shared_by_every_process_of_the_bot(
    discord: DiscordStandIn,
) -> None:
    desks = [discord.add_guild(f"Desk {n}", shard=(n, 2)) for n in range(2)]
    channels = [guild.add_text_channel("briefing") for guild in desks]
    bots = [ShardedSampleBot(shard_ids=[n], shard_count=2) for n in range(2)]
    async with AsyncExitStack() as stack:
        for bot in bots:
            await stack.enter_async_context(running_bot(bot, discord))
        discord.rate_limiter.per_second = 5
        sends = []
        for bot, channel in zip(bots, channels, strict=True):
            target = bot.get_channel(channel.id)
            assert isinstance(target, discordpy.TextChannel)
            sends += [target.send(f"message {i}") for i in range(5)]
        await asyncio.gather(*sends)
        discord.rate_limiter.per_second = None

    assert [len(discord.messages(c)) for c in channels] == [5, 5]
    # Ten sends at 5/s from two processes: neither had the budget to itself.
    assert discord.rate_limiter.refused >= 1


async def test_a_shard_outside_the_count_is_refused_with_4010(discord: DiscordStandIn) -> None:
    discord.add_guild("Desk", shard=(0, 2))
    with pytest.raises(discordpy.ConnectionClosed) as info:
        async with running_bot(ShardedSampleBot(shard_ids=[2], shard_count=2), discord):
            pass
    assert info.value.code == 4010
