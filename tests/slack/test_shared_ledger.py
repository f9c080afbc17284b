"""One deployment, two platforms, one ledger: each server gets one digest per local day.

The Slack side is the real :class:`SlackDigestPoster` posting to the stand-in; the Discord
side is a *recording* poster standing in for Discord (no Discord connection here; the real
Discord poster is covered by the Discord suite). Both share one database and ledger.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.poster import DIGEST_BUDGET, SlackDigestPoster, measure_digest
from bot.app import App, open_app, seed_if_empty
from bot.clock import FixedClock
from bot.delivery import DeliveryStatus, DeliveryTarget, DigestDelivery, RetryPolicy
from bot.domain.digest import Digest
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.ledger import LedgerStatus
from bot.scheduling.platforms import PosterRouter
from bot.storage.digests import DigestLedger
from bot.storage.servers import ServerStore
from tests.slack.conftest import BRIEF_CHANNEL, NOW, slack_settings
from tests.standins.slack.standin import BOT_TOKEN, TEAM_ID, SlackStandIn

DISCORD_GUILD = "111111111111111111"
DISCORD_CHANNEL = "222222222222222222"
FAST = RetryPolicy(delays=(0.01,), attempt_timeout=10.0)


@dataclass
class RecordingDiscordPoster:
    """Records what would go to Discord; finds what it recorded (a stand-in, not discord.py)."""

    posted: list[tuple[DeliveryTarget, str]] = field(default_factory=list)

    async def post(self, target: DeliveryTarget, digest: Digest, nonce: str, marker: str) -> str:
        self.posted.append((target, marker))
        return str(900 + len(self.posted))

    async def find_posted(self, target: DeliveryTarget, marker: str) -> str | None:
        return next(
            (str(901 + i) for i, p in enumerate(self.posted) if p == (target, marker)), None
        )


@pytest.fixture
async def app(tmp_path: Path, standin: SlackStandIn) -> AsyncIterator[App]:
    async with open_app(slack_settings(tmp_path, standin, "socket"), FixedClock(NOW)) as opened:
        await seed_if_empty(opened)
        servers = ServerStore(opened.database)
        week_ago = NOW - timedelta(days=7)
        # 08:00 in London is 08:00 UTC; 08:00 in Seoul is 23:00 UTC the day before.
        london = DigestSchedule.parse(DISCORD_CHANNEL, "08:00", "Europe/London")
        await servers.set_schedule("discord", DISCORD_GUILD, london, week_ago)
        seoul = DigestSchedule.parse(BRIEF_CHANNEL, "08:00", "Asia/Seoul")
        await servers.set_schedule("slack", TEAM_ID, seoul, week_ago)
        yield opened


def slack_client(standin: SlackStandIn) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=standin.url + "/api/")


async def test_one_delivery_routes_both_platforms_once_a_day(
    app: App, standin: SlackStandIn
) -> None:
    discord = RecordingDiscordPoster()
    router = PosterRouter({"discord": discord, "slack": SlackDigestPoster(slack_client(standin))})
    ledger = DigestLedger(app.database)
    delivery = DigestDelivery(
        app.service,
        ServerStore(app.database),
        ledger,
        router,
        app.service.clock,
        retry=FAST,
        budget=DIGEST_BUDGET,
        measure=measure_digest,
    )
    for now in (NOW, NOW + timedelta(minutes=5), NOW + timedelta(hours=1)):
        results = await delivery.run_due(now)
        if now == NOW:
            assert {(r.platform, r.status) for r in results} == {
                ("discord", DeliveryStatus.POSTED),
                ("slack", DeliveryStatus.POSTED),
            }
        else:
            assert results == []  # the ledger already has today for both
    assert len(discord.posted) == 1
    assert len(standin.messages[BRIEF_CHANNEL]) == 1

    next_day = NOW + timedelta(days=1)
    results = await delivery.run_due(next_day)
    assert sorted(r.platform for r in results if r.status is DeliveryStatus.POSTED) == [
        "discord",
        "slack",
    ]
    assert len(discord.posted) == 2 and len(standin.messages[BRIEF_CHANNEL]) == 2
    rows = await ledger.status("slack", TEAM_ID)
    assert [r.status for r in rows] == [LedgerStatus.POSTED, LedgerStatus.POSTED]


async def test_slack_delivery_leaves_discord_servers_alone(app: App, standin: SlackStandIn) -> None:
    """Slack's own delivery (scoped as ``run_slack`` builds it) never claims a Discord day."""
    ledger = DigestLedger(app.database, {"slack"})
    delivery = DigestDelivery(
        app.service,
        ServerStore(app.database, platforms={"slack"}),
        ledger,
        SlackDigestPoster(slack_client(standin)),
        app.service.clock,
        retry=FAST,
    )
    results = await delivery.run_due(NOW)
    assert [(r.platform, r.status) for r in results] == [("slack", DeliveryStatus.POSTED)]
    assert await ledger.get("discord", DISCORD_GUILD, NOW.date()) is None
    caught_up = await delivery.catch_up(NOW + timedelta(hours=1), timedelta(hours=6))
    assert all(r.platform == "slack" for r in caught_up)
    assert await ledger.get("discord", DISCORD_GUILD, NOW.date()) is None
    assert len(standin.messages[BRIEF_CHANNEL]) == 1
