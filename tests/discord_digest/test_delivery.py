"""Delivery through discord.py and the stand-in: rate limits, 5xx, 403/404, crossposting."""

from __future__ import annotations

import asyncio
import types
from datetime import timedelta

import discord as discord_py
import pytest

from bot.delivery import DeliveryStatus
from bot.domain.ledger import LedgerStatus
from tests.discord_digest.conftest import (
    DAY,
    DUE,
    MESSAGES_ROUTE,
    DigestWorld,
    digest_messages,
    footer,
)
from tests.standins.discord import SEND_MESSAGES


@pytest.fixture
def quick_discord_retries(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """discord.py waits 1 + 2·n s between its own 5xx retries; keep the waits, shrink them.

    Returns the waits discord.py asked for, so a test can see its retry loop ran.
    """
    asked: list[float] = []
    real_sleep = asyncio.sleep

    async def short_sleep(delay: float, result: object = None) -> object:
        asked.append(delay)
        return await real_sleep(min(delay, 0.02), result)

    fake = types.SimpleNamespace(**{n: getattr(asyncio, n) for n in dir(asyncio)})
    fake.sleep = short_sleep
    monkeypatch.setattr(discord_py.http, "asyncio", fake)
    return asked


async def due_now(dw: DigestWorld) -> dict[str, DeliveryStatus]:
    dw.clock.moment = DUE
    return {r.server_id: r.status for r in await dw.bot.delivery.run_due(DUE)}


async def test_the_scheduled_digest_is_posted_once_at_its_time(dw: DigestWorld) -> None:
    await dw.setup()
    dw.clock.moment = DUE - timedelta(hours=1)
    assert await dw.bot.delivery.run_due(dw.clock.moment) == []  # 10:00 UTC: not yet due
    assert await due_now(dw) == {dw.gid: DeliveryStatus.POSTED}
    assert await due_now(dw) == {}  # a second fire finds the ledger row
    [posted] = dw.digests()
    assert footer(posted).endswith(f"digest · {DAY}")
    assert dw.sends() == 1


async def test_a_429_is_waited_out_by_discord_py_and_posts_once(dw: DigestWorld) -> None:
    await dw.setup()
    dw.discord.faults.add(MESSAGES_ROUTE, status=429, retry_after=0.05)
    assert await due_now(dw) == {dw.gid: DeliveryStatus.POSTED}
    assert len(dw.digests()) == 1
    assert dw.sends() == 2  # the refused try and the one after the wait
    row = await dw.row()
    assert row is not None and row.status is LedgerStatus.POSTED and row.attempts == 1


async def test_three_500s_then_200_posts_once(
    dw: DigestWorld, quick_discord_retries: list[float]
) -> None:
    await dw.setup()
    dw.discord.faults.add(MESSAGES_ROUTE, status=500, times=3)
    assert await due_now(dw) == {dw.gid: DeliveryStatus.POSTED}
    [posted] = dw.digests()
    assert dw.sends() == 4  # discord.py retried the 500s itself, same nonce each time
    assert quick_discord_retries[:3] == [1, 3, 5]
    row = await dw.row()
    assert row is not None and row.status is LedgerStatus.POSTED
    assert row.message_id == str(posted.id)


async def test_lost_send_permission_fails_the_day_with_the_reason_and_spares_others(
    dw: DigestWorld,
) -> None:
    other = dw.discord.add_guild("Other desk")
    other_channel = other.add_text_channel("briefing")
    other_admin = other.add_member("boss", permissions=1 << 5)
    await dw.discord.flush()
    await dw.setup()
    reply = await dw.discord.run_command(
        other,
        other_admin,
        "digest setup",
        channel=other_channel,
        options={"time": "20:00", "timezone": "Asia/Seoul"},
    )
    assert "Daily digest set" in reply.content
    dw.channel.set_permissions(dw.guild.bot_role, deny=SEND_MESSAGES)
    await dw.discord.flush()

    assert await due_now(dw) == {
        dw.gid: DeliveryStatus.FAILED,
        str(other.id): DeliveryStatus.POSTED,
    }
    assert dw.sends() == 1, "a 403 is not retried"
    assert dw.digests() == []
    assert len(digest_messages(dw.discord, other_channel)) == 1
    row = await dw.row()
    assert row is not None and row.status is LedgerStatus.FAILED
    assert row.last_error == "missing permission to send in #briefing"
    assert await due_now(dw) == {}, "failed is final for the day"
    assert dw.sends() == 1


async def test_an_unknown_channel_fails_the_day_with_the_reason(dw: DigestWorld) -> None:
    await dw.setup()
    dw.discord.faults.add(MESSAGES_ROUTE, status=404, code=10003)
    assert await due_now(dw) == {dw.gid: DeliveryStatus.FAILED}
    assert dw.sends() == 1
    row = await dw.row()
    assert row is not None and row.status is LedgerStatus.FAILED
    assert row.last_error == "#briefing no longer exists or the bot cannot see it"


async def test_a_digest_in_an_announcement_channel_is_crossposted(dw: DigestWorld) -> None:
    news = dw.guild.add_announcement_channel("announcements")
    await dw.discord.flush()
    reply = await dw.setup(channel=news)
    assert "Daily digest set" in reply.content
    await dw.run(dw.admin, "digest now")
    [posted] = dw.digests(news)
    crossposts = [path for method, path, _ in dw.discord.requests if path.endswith("/crosspost")]
    assert crossposts == [f"/channels/{news.id}/messages/{posted.id}/crosspost"]
    assert posted.flags & 1  # CROSSPOSTED
    assert await dw.status_of() is LedgerStatus.POSTED
