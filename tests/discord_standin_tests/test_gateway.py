"""Gateway disruptions: the bot comes back (RESUMED or a new IDENTIFY) and still works."""

from __future__ import annotations

import asyncio

import discord as discordpy
import pytest

from tests.standins.discord import DiscordStandIn, running_bot

from .conftest import World
from .sample_bot import SampleBot


async def _still_works(discord: DiscordStandIn, world: World) -> None:
    reply = await discord.run_command(world.guild, world.alice, "brief latest")
    assert reply.embed["title"] == "Latest briefing"


async def test_close_4000_resumes(discord: DiscordStandIn, world: World) -> None:
    await discord.close_gateway(4000)
    event = await discord.wait_for_session(resumed=True)
    assert event.kind == "resume"
    await _still_works(discord, world)


async def test_dropped_connection_resumes(discord: DiscordStandIn, world: World) -> None:
    await discord.drop_gateway()
    await discord.wait_for_session(resumed=True)
    await _still_works(discord, world)


async def test_reconnect_op7_resumes(discord: DiscordStandIn, world: World) -> None:
    await discord.send_reconnect()
    await discord.wait_for_session(resumed=True)
    await _still_works(discord, world)


async def test_missed_dispatch_is_replayed(discord: DiscordStandIn, world: World) -> None:
    await discord.drop_gateway()
    late = world.guild.add_text_channel("added-while-away")
    await discord.wait_for_session(resumed=True)
    await discord.flush()
    assert world.bot.get_channel(late.id) is not None


async def test_invalid_session_reidentifies(discord: DiscordStandIn, world: World) -> None:
    await discord.invalidate_session(resumable=False)
    event = await discord.wait_for_session(resumed=False)
    assert event.kind == "identify"
    await _still_works(discord, world)


async def test_wrong_token_is_4004(discord: DiscordStandIn) -> None:
    discord.gateway.token = "another-token"  # REST login passes, IDENTIFY does not
    with pytest.raises(discordpy.ConnectionClosed) as info:
        async with running_bot(SampleBot(), discord):
            pass
    assert info.value.code == 4004


async def test_late_callback_is_refused(discord: DiscordStandIn, world: World) -> None:
    discord.interaction_deadline = 0.2
    world.bot.slow_delay = 0.4
    record = discord.start_command(world.guild, world.alice, "brief slow")
    for _ in range(100):
        if world.bot.errors:
            break
        await asyncio.sleep(0.05)
    [error] = world.bot.errors
    assert isinstance(error, discordpy.NotFound) and error.code == 10062
    assert not record.acknowledged
    [v] = discord.take_violations()
    assert v.kind == "deadline"


async def test_second_callback_is_refused(discord: DiscordStandIn, world: World) -> None:
    record = discord.start_command(world.guild, world.alice, "brief admin status")
    await discord.wait_reply(record)
    with pytest.raises(discordpy.HTTPException) as info:
        await world.bot.http.request(
            discordpy.http.Route(
                "POST", "/interactions/{i}/{t}/callback", i=record.id, t=record.token
            ),
            json={"type": 4, "data": {"content": "again"}},
        )
    assert info.value.status == 400 and info.value.code == 40060
    [v] = discord.take_violations()
    assert v.kind == "protocol"
