"""200 servers due at one minute, and restarts before / within / after the catch-up grace."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

from bot.app import App
from bot.clock import FixedClock
from bot.delivery import DeliveryStatus
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.ledger import LedgerStatus
from tests.discord_digest.conftest import (
    DAY,
    DUE,
    MESSAGES_ROUTE,
    NOW,
    PLATFORM,
    SEOUL,
    SEOUL_TIME,
    DigestWorld,
    bot_running,
    catch_up_done,
    digest_messages,
)
from tests.standins.discord import MANAGE_GUILD, DiscordStandIn

SERVERS = 200
LATENCY = 0.15  # every send takes this long at "Discord", as a real round trip would


async def test_two_hundred_servers_due_at_once_are_posted_once_concurrently(
    discord: DiscordStandIn, app: App, clock: FixedClock
) -> None:
    guilds = [discord.add_guild(f"Desk {n:03}") for n in range(SERVERS)]
    channels = [g.add_text_channel("briefing") for g in guilds]
    admin = guilds[0].add_member("admin", permissions=MANAGE_GUILD)
    async with bot_running(discord, app, clock, ready_timeout=60) as bot:
        reply = await discord.run_command(
            guilds[0],
            admin,
            "digest setup",
            channel=channels[0],
            options={"time": SEOUL_TIME, "timezone": SEOUL},
        )
        assert "Daily digest set" in reply.content
        for guild, channel in zip(guilds[1:], channels[1:], strict=True):
            schedule = DigestSchedule.parse(str(channel.id), SEOUL_TIME, SEOUL)
            await bot.deps.servers.set_schedule(PLATFORM, str(guild.id), schedule, NOW)
        discord.faults.add(MESSAGES_ROUTE, delay=LATENCY, times=None)

        # One send on its own, through the same path, sets the one-by-one estimate.
        first = await bot.deps.servers.get_schedule(PLATFORM, str(guilds[0].id))
        assert first is not None
        clock.moment = DUE
        started = time.perf_counter()
        alone = await bot.delivery.deliver(first, DAY, DUE)
        one_send = time.perf_counter() - started
        assert alone.status is DeliveryStatus.POSTED

        started = time.perf_counter()
        results = await bot.delivery.run_due(DUE)
        elapsed = time.perf_counter() - started

        assert Counter(r.status for r in results) == {DeliveryStatus.POSTED: SERVERS - 1}
        one_by_one = one_send * (SERVERS - 1)
        assert elapsed < 0.5 * one_by_one, f"{elapsed:.1f}s vs {one_by_one:.1f}s one by one"
        assert await bot.delivery.run_due(DUE + timedelta(minutes=1)) == []
    for channel in channels:
        assert len(digest_messages(discord, channel)) == 1, channel.name
    assert sum(discord.message_requests(c) for c in channels) == SERVERS


async def restart(dw: DigestWorld, moment_after: timedelta) -> DigestWorld:
    """Stop the bot (scheduled for 20:00 Seoul) and note where the clock goes next."""
    await dw.setup()
    await dw.bot.close()
    dw.clock.moment = DUE + moment_after
    return dw


async def test_restart_before_the_time_posts_at_the_time(dw: DigestWorld) -> None:
    await restart(dw, -timedelta(minutes=30))
    async with bot_running(dw.discord, dw.app, dw.clock) as bot:
        await catch_up_done(bot)
        assert dw.digests() == []
        assert await bot.scheduler.next_run_time(PLATFORM, dw.gid) is not None
        dw.clock.moment = DUE
        results = await bot.delivery.run_due(DUE)
        assert [r.status for r in results] == [DeliveryStatus.POSTED]
        assert await bot.delivery.run_due(DUE + timedelta(minutes=1)) == []
    async with bot_running(dw.discord, dw.app, dw.clock) as bot:
        await catch_up_done(bot)
    assert len(dw.digests()) == 1


async def test_restart_after_the_time_within_grace_catches_up_at_start(
    dw: DigestWorld,
) -> None:
    await restart(dw, timedelta(hours=5, minutes=30))
    async with bot_running(dw.discord, dw.app, dw.clock) as bot:
        await catch_up_done(bot)
        assert len(dw.digests()) == 1
        assert await bot.delivery.run_due(dw.clock.moment) == []
        assert await dw.status_of() is LedgerStatus.POSTED
    dw.clock.moment += timedelta(minutes=5)
    async with bot_running(dw.discord, dw.app, dw.clock) as bot:
        await catch_up_done(bot)
    assert len(dw.digests()) == 1


async def test_restart_after_grace_records_missed_and_status_says_so(
    dw: DigestWorld,
) -> None:
    await restart(dw, timedelta(hours=7))
    async with bot_running(dw.discord, dw.app, dw.clock) as bot:
        await catch_up_done(bot)
        assert dw.digests() == []
        assert await dw.status_of() is LedgerStatus.MISSED
        assert await bot.delivery.run_due(dw.clock.moment) == []
        reply = await dw.run(dw.admin, "digest status")
        fields = {f["name"]: f["value"] for f in reply.embed["fields"]}
        assert f"{DAY}: missed: the bot was offline at digest time" in fields["Recent digests"]
        assert "caught up within 6 h" in fields["Recent digests"]
    assert dw.digests() == []


async def test_a_digest_now_cut_off_by_a_crash_is_finished_after_restart(dw: DigestWorld) -> None:
    # 08:00 Seoul was ten hours ago (more than the grace), but the editor asked at 18:00.
    await dw.setup(time="08:00")
    await dw.bot.deps.ledger.claim(PLATFORM, dw.gid, DAY, str(dw.channel.id), NOW)
    await dw.bot.close()  # as a process killed mid-post leaves it: claimed, nothing sent
    dw.clock.moment = NOW + timedelta(minutes=5)
    async with bot_running(dw.discord, dw.app, dw.clock) as bot:
        await catch_up_done(bot)
    [posted] = dw.digests()
    row = await dw.row()
    assert row is not None and row.status is LedgerStatus.POSTED
    assert row.message_id == str(posted.id) and row.attempts == 2
