"""Rate limits and server errors: discord.py waits/retries and the message lands once."""

from __future__ import annotations

import discord as discordpy
import pytest

from tests.standins.discord import DiscordStandIn

from .conftest import World

ROUTE = "POST /channels/{channel_id}/messages"


def _channel(world: World) -> discordpy.TextChannel:
    channel = world.bot.get_channel(world.channel.id)
    assert isinstance(channel, discordpy.TextChannel)
    return channel


@pytest.mark.parametrize("is_global", [False, True])
async def test_429_waits_and_retries(
    discord: DiscordStandIn, world: World, is_global: bool
) -> None:
    fault = discord.faults.add(ROUTE, status=429, retry_after=0.2, is_global=is_global)
    await _channel(world).send("hello")
    assert fault.hits == 1
    assert [m.content for m in discord.messages(world.channel)] == ["hello"]
    assert discord.message_requests(world.channel) == 2


async def test_500_then_200_is_retried(discord: DiscordStandIn, world: World) -> None:
    discord.faults.add(ROUTE, status=500, times=1)
    await _channel(world).send("after a 500")
    assert [m.content for m in discord.messages(world.channel)] == ["after a 500"]


async def test_503_is_not_retried(discord: DiscordStandIn, world: World) -> None:
    discord.faults.add(ROUTE, status=503)
    with pytest.raises(discordpy.DiscordServerError):
        await _channel(world).send("x")


async def test_403_and_unknown_channel(discord: DiscordStandIn, world: World) -> None:
    discord.faults.add(ROUTE, status=403)
    with pytest.raises(discordpy.Forbidden):
        await _channel(world).send("x")
    discord.faults.add(None, status=404)  # global: the next request of any route
    with pytest.raises(discordpy.NotFound) as info:
        await _channel(world).send("x")
    assert info.value.code == 10003


async def test_delay(discord: DiscordStandIn, world: World) -> None:
    import time

    discord.faults.add(ROUTE, delay=0.3)
    started = time.perf_counter()
    await _channel(world).send("slow")
    assert time.perf_counter() - started >= 0.3


async def test_global_rate_limiter(discord: DiscordStandIn, world: World) -> None:
    discord.rate_limiter.per_second = 3
    for i in range(5):
        await _channel(world).send(f"m{i}")
    assert len(discord.messages(world.channel)) == 5
    assert discord.rate_limiter.refused >= 1


async def test_nonce_deduplication(discord: DiscordStandIn, world: World) -> None:
    first = await _channel(world).send("once", nonce="abc123")
    second = await _channel(world).send("once", nonce="abc123")
    assert first.id == second.id
    assert len(discord.messages(world.channel)) == 1


async def test_missing_send_messages_is_403(discord: DiscordStandIn, world: World) -> None:
    from tests.standins.discord import EMBED_LINKS, SEND_MESSAGES

    world.channel.set_permissions(world.guild.bot_role, deny=SEND_MESSAGES)
    with pytest.raises(discordpy.Forbidden) as info:
        await _channel(world).send("nope")
    assert info.value.code == 50013
    world.channel.set_permissions(world.guild.bot_member, allow=SEND_MESSAGES, deny=EMBED_LINKS)
    await _channel(world).send("text is fine")
    with pytest.raises(discordpy.Forbidden):
        await _channel(world).send(embed=discordpy.Embed(title="embeds are not"))
    assert [m.content for m in discord.messages(world.channel)] == ["text is fine"]
