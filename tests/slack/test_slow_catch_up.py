"""Slack answers commands while a slow catch-up is still posting (it runs in the background)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.adapters.slack.run import run_slack
from bot.app import open_app, seed_if_empty
from bot.clock import FixedClock
from bot.delivery import digest_marker
from bot.domain.digest_schedule import DigestSchedule
from bot.platforms.host import PlatformHost
from tests.slack.conftest import BRIEF_CHANNEL, NOW, reader_slash, slack_only, slack_settings
from tests.standins.slack.standin import TEAM_ID, SlackStandIn


async def test_commands_are_answered_while_catch_up_waits_on_slack(
    tmp_path: Path, standin: SlackStandIn
) -> None:
    # Arrange: today's 08:00 digest was missed an hour ago (within grace), and Slack is
    # slow to take the post: chat.postMessage is held until we let it through.
    slow = standin.held["chat.postMessage"] = asyncio.Event()
    async with open_app(slack_settings(tmp_path, standin, "socket"), FixedClock(NOW)) as app:
        await seed_if_empty(app)
        host = PlatformHost.of(app, "slack")
        owed = DigestSchedule.parse(BRIEF_CHANNEL, "08:00", "UTC")
        await host.servers.set_schedule("slack", TEAM_ID, owed, NOW - timedelta(days=7))
        stop = asyncio.Event()
        task = asyncio.create_task(run_slack(host, slack_only(standin, "socket"), stop))
        try:
            await standin.wait_for(lambda: standin.called("chat.postMessage"))

            # Act: a reader asks for the figures while the digest post hangs.
            rid, payload = reader_slash(standin, "figures")
            await standin.send_envelope("slash_commands", payload)

            # Assert: answered, and the catch-up post is still waiting on Slack.
            assert "12,000" in str(await standin.wait_response(rid))
            assert not slow.is_set() and standin.messages.get(BRIEF_CHANNEL) is None
        finally:
            slow.set()
        # Once Slack answers, the caught-up digest lands, once.
        await standin.wait_for(lambda: standin.messages.get(BRIEF_CHANNEL))
        posted = standin.messages[BRIEF_CHANNEL]
        assert len(posted) == 1
        assert digest_marker(NOW.date()) in str(posted[0]["blocks"][-1])
        stop.set()
        await asyncio.wait_for(task, 20)
