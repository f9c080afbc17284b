"""Transports: HTTP requests signed as Slack signs them, and Socket Mode acks by envelope."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from urllib.parse import urlencode

from bot.adapters.slack.config import slack_configured
from bot.adapters.slack.run import run_slack
from bot.app import open_app, seed_if_empty
from bot.clock import FixedClock
from bot.platforms.host import PlatformHost
from tests.slack.conftest import (
    NOW,
    READER,
    SlackWorld,
    reader_slash,
    slack_only,
    slack_settings,
)
from tests.slack.drivers import HttpDriver, SocketDriver, sign
from tests.standins.slack.standin import SlackStandIn


def slash_body(standin: SlackStandIn, text: str) -> tuple[str, str]:
    rid, payload = reader_slash(standin, text)
    return rid, urlencode(payload)


async def test_signed_requests_pass_forged_and_stale_ones_are_refused(
    http_world: SlackWorld,
) -> None:
    driver = http_world.driver
    assert isinstance(driver, HttpDriver)
    standin = http_world.standin

    rid, body = slash_body(standin, "help")
    status, _ = await driver.post_raw(body)
    assert status == 200
    assert "/brief latest" in (await standin.wait_response(rid))["blocks"][0]["text"]["text"]

    now = str(int(time.time()))
    forged = sign("not-the-secret", body, now)
    assert (await driver.post_raw(body, timestamp=now, signature=forged))[0] == 401
    tampered = body.replace("help", "latest")
    signed_other = sign(driver.secret, body, now)
    assert (await driver.post_raw(tampered, timestamp=now, signature=signed_other))[0] == 401
    stale = str(int(time.time()) - 6 * 60)
    assert (await driver.post_raw(body, timestamp=stale))[0] == 401
    assert (await driver.post_raw(body, timestamp="0", signature="v0=00"))[0] == 401
    assert standin.responses[rid] and len(standin.responses[rid]) == 1  # only the good one ran


async def test_socket_mode_acks_every_envelope(socket_world: SlackWorld) -> None:
    driver = socket_world.driver
    assert isinstance(driver, SocketDriver)
    answer = await socket_world.command(READER, "latest 6")
    assert answer.response is not None
    await socket_world.press(READER, answer.response, "brief_page_next")
    assert len(driver.acks) == 2
    assert all(ack["envelope_id"] for ack in driver.acks)


async def test_run_slack_serves_until_stopped(tmp_path: Path, standin: SlackStandIn) -> None:
    settings = slack_settings(tmp_path, standin, "socket")
    slack = slack_only(standin, "socket")
    assert slack_configured(slack)
    assert not slack_configured(slack.replace(app_token=None))
    async with open_app(settings, FixedClock(NOW)) as app:
        await seed_if_empty(app)
        stop = asyncio.Event()
        task = asyncio.create_task(run_slack(PlatformHost.of(app, "slack"), slack, stop))
        rid, payload = reader_slash(standin, "figures")
        ack = await standin.send_envelope("slash_commands", payload)
        assert set(ack) == {"envelope_id"}
        assert "12,000" in str(await standin.wait_response(rid))
        stop.set()
        await asyncio.wait_for(task, 20)
