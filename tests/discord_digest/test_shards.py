"""Two bot processes sharing one bot: each runs half the shards, on one database.

Built as ``briefbot run --shards N --shard-count 2`` builds them (the Discord platform with
``DISCORD_SHARD_IDS``/``DISCORD_SHARD_COUNT``), against the stand-in, which sends each
server's events only to the process holding its shard. Each process schedules, catches up
and answers for its own servers only; only shard 0's process pushes the slash commands.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta

import pytest
from discord.ext import commands

from bot.adapters.discord.client import BriefingBot
from bot.adapters.discord.platform import PLATFORM as DISCORD
from bot.adapters.discord.settings import DiscordSettings
from bot.app import App
from bot.clock import FixedClock
from bot.domain.corrections import EditKind
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.errors import InvalidInput
from bot.domain.ledger import LedgerStatus
from bot.env_settings import Secret
from bot.platforms.host import PlatformHost
from bot.storage.codec import content_dict
from tests.core.conftest import NIS_SLUG
from tests.discord_digest.conftest import (
    MANAGE_GUILD,
    NOW,
    PLATFORM,
    catch_up_done,
    digest_messages,
    eventually,
)
from tests.standins.discord import Channel, DiscordStandIn, Message, running_bot

COMMANDS_ROUTE = "/applications/{application_id}/commands"


def settings_for(discord: DiscordStandIn, **shards: object) -> DiscordSettings:
    return DiscordSettings(
        token=Secret(discord.token),
        api_base_url=discord.api_base_url,
        gateway_url=discord.gateway_url,
        **shards,
    )


@asynccontextmanager
async def processes(
    discord: DiscordStandIn, app: App, *shard_ids: str, count: int = 2
) -> AsyncIterator[list[BriefingBot]]:
    """One bot per ``shard_ids`` item, as separate ``briefbot run`` processes would be."""
    async with AsyncExitStack() as stack:
        bots = []
        for ids in shard_ids:
            settings = settings_for(discord, shard_ids=ids, shard_count=count)
            bot = DISCORD.bot(PlatformHost.of(app, PLATFORM), settings, serve=True)
            bots.append(await stack.enter_async_context(running_bot(bot, discord)))
        yield bots


async def correct(app: App, slug: str, **changes: object) -> None:
    current = await app.service.show(slug)
    raw = content_dict(current.content) | changes
    await app.service.edit(
        slug, raw, "desk", expected_revision=current.revision, kind=EditKind.CORRECTION
    )


def notices_in(discord: DiscordStandIn, channel: Channel) -> list[Message]:
    return [
        m
        for m in discord.messages(channel)
        if m.embeds and str(m.embeds[0].get("title", "")).startswith("Correction:")
    ]


def command_syncs(discord: DiscordStandIn) -> int:
    return sum(1 for m, _, t in discord.requests if m == "PUT" and t == COMMANDS_ROUTE)


async def test_each_process_posts_and_schedules_only_its_own_servers(
    discord: DiscordStandIn, app: App, clock: FixedClock
) -> None:
    desks = [discord.add_guild(f"Desk {n}", shard=(n % 2, 2)) for n in range(6)]
    channels = [guild.add_text_channel("briefing") for guild in desks]
    # Due half an hour ago, set up yesterday: every desk is owed today's digest at start-up.
    host = PlatformHost.of(app, PLATFORM)
    for guild, channel in zip(desks, channels, strict=True):
        schedule = DigestSchedule.parse(str(channel.id), "08:30", "UTC")
        await host.servers.set_schedule(PLATFORM, str(guild.id), schedule, NOW - timedelta(days=1))

    async with processes(discord, app, "0", "1") as (first, second):
        await catch_up_done(first)
        await catch_up_done(second)
        assert isinstance(first, commands.AutoShardedBot)
        assert {g.id for g in first.guilds} == {d.id for d in desks[0::2]}
        assert {g.id for g in second.guilds} == {d.id for d in desks[1::2]}

        # Once caught up, each process's timer moves its desks' runs on to tomorrow.
        async def moved_on() -> bool:
            runs = [await first.scheduler.next_run_time(PLATFORM, str(d.id)) for d in desks]
            return all(run is not None and run > NOW for run in runs)

        await eventually(moved_on, 10, "the runs moved on to tomorrow")
        clock.moment = NOW + timedelta(days=1, minutes=-30)  # tomorrow's digests are due
        tomorrow = {bot: await bot.scheduler.run_pending() for bot in (first, second)}

        # An editor corrects an entry that every desk's digest carried: each process sends
        # the notices of its own desks (their background senders are stopped to see who).
        for bot in (first, second):
            await bot.runtime.stop_background()
        await correct(app, NIS_SLUG, status="disputed")
        notices = {bot: await bot.corrections.send_pending() for bot in (first, second)}

    assert {r.server_id for r in tomorrow[first]} == {str(d.id) for d in desks[0::2]}
    assert {r.server_id for r in tomorrow[second]} == {str(d.id) for d in desks[1::2]}
    digests = [
        [m for m in digest_messages(discord, c) if m not in notices_in(discord, c)]
        for c in channels
    ]
    assert [len(posted) for posted in digests] == [2] * len(desks)
    assert {r.key.server_id for r in notices[first]} == {str(d.id) for d in desks[0::2]}
    assert {r.key.server_id for r in notices[second]} == {str(d.id) for d in desks[1::2]}
    assert [len(notices_in(discord, c)) for c in channels] == [1] * len(desks)
    assert command_syncs(discord) == 1, "only shard 0's process pushes the commands"


async def test_a_claim_left_by_a_dead_process_is_finished_by_its_own_shards_process(
    discord: DiscordStandIn, app: App
) -> None:
    desks = [discord.add_guild(f"Desk {n}", shard=(n, 2)) for n in range(2)]
    channels = [guild.add_text_channel("briefing") for guild in desks]
    host = PlatformHost.of(app, PLATFORM)
    for guild, channel in zip(desks, channels, strict=True):
        schedule = DigestSchedule.parse(str(channel.id), "08:30", "UTC")
        await host.servers.set_schedule(PLATFORM, str(guild.id), schedule, NOW - timedelta(days=1))
    # Shard 1's process died mid-post ten minutes ago: its claim is still there.
    day, odd = NOW.date(), str(desks[1].id)
    await host.ledger.claim(PLATFORM, odd, day, str(channels[1].id), NOW - timedelta(minutes=10))

    async with processes(discord, app, "0") as (first,):
        await catch_up_done(first)
        row = await host.ledger.get(PLATFORM, odd, day)
        assert row is not None and row.status is LedgerStatus.CLAIMED, "not shard 0's to take"
        async with processes(discord, app, "1") as (second,):
            await catch_up_done(second)
    row = await host.ledger.get(PLATFORM, odd, day)
    assert row is not None and row.status is LedgerStatus.POSTED
    assert [len(digest_messages(discord, c)) for c in channels] == [1, 1]


async def test_digest_setup_is_answered_and_scheduled_by_the_servers_own_process(
    discord: DiscordStandIn, app: App, clock: FixedClock
) -> None:
    guild = discord.add_guild("Seoul desk", shard=(1, 2))
    channel = guild.add_text_channel("briefing")
    admin = guild.add_member("admin", permissions=MANAGE_GUILD)
    async with processes(discord, app, "0", "1") as (first, second):
        reply = await discord.run_command(
            guild,
            admin,
            "digest setup",
            channel=channel,
            options={"time": "20:00", "timezone": "Asia/Seoul"},
        )
        assert "Daily digest set" in reply.content
        due = await second.scheduler.next_run_time(PLATFORM, str(guild.id))
        assert due is not None
        clock.moment = due  # the next 20:00 in Seoul
        assert await first.scheduler.run_pending() == []
        # Shard 1's timer, woken by the setup, may look again once the clock has moved and
        # take this run itself; a pass does not launch a run already under way, so this one
        # then returns nothing. Either way it is shard 1's process that posts it, once.
        delivered = await second.scheduler.run_pending()
        assert [posted.server_id for posted in delivered] in ([], [str(guild.id)])

        async def moved_on() -> bool:
            tomorrow = await second.scheduler.next_run_time(PLATFORM, str(guild.id))
            return tomorrow == due + timedelta(days=1)

        await eventually(moved_on, 10, "the run posted and moved on to tomorrow")
    assert len(digest_messages(discord, channel)) == 1


async def test_without_shards_the_bot_is_a_plain_client(discord: DiscordStandIn, app: App) -> None:
    bot = DISCORD.bot(PlatformHost.of(app, PLATFORM), settings_for(discord), serve=False)
    assert not isinstance(bot, commands.AutoShardedBot)


@pytest.mark.parametrize(
    ("shards", "sentence"),
    [
        ({"shard_ids": "0-3"}, "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT"),
        ({"shard_ids": "4-7", "shard_count": 4}, "Shard 7 does not exist with 4 shard"),
        ({"shard_ids": "3-1", "shard_count": 4}, "counts down"),
        ({"shard_ids": "zero", "shard_count": 4}, "is not a list of shards"),
    ],
)
def test_bad_shard_settings_are_one_sentence(
    discord: DiscordStandIn, app: App, shards: dict[str, object], sentence: str
) -> None:
    with pytest.raises(InvalidInput, match=sentence):
        DISCORD.bot(PlatformHost.of(app, PLATFORM), settings_for(discord, **shards), serve=True)
