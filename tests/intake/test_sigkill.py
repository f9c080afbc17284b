"""SIGKILL during a poll: nothing read is lost (fetched again) and nothing is stored twice."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import pytest
from aiohttp import web

from bot.clock import SystemClock
from bot.intake.background import TTL
from tests.core.conftest import Cli
from tests.intake.server import REWRITE, STORY, FeedServer, rss

SLOW = rss([("s1", "North Korea troops reach Kursk", REWRITE.replace("1,500", "3,000"))])


def test_a_poll_killed_midway_loses_and_doubles_nothing(
    cli: Cli, server: FeedServer, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    arrived, released = threading.Event(), threading.Event()

    async def hanging(request: web.Request) -> web.StreamResponse:
        arrived.set()
        # The poller is killed while it waits for this feed (a thread's event, polled).
        while not released.is_set():  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        return web.Response(text=SLOW)

    server.text("/wire.xml", rss([("w1", "NK sends 1,500 troops to Russia", STORY)]))
    server.routes["/slow.xml"] = hanging
    cli("feeds", "add", server.url("/wire.xml"), "--name", "Wire")
    cli("feeds", "add", server.url("/slow.xml"), "--name", "Slow")

    child_env = {**os.environ, **env, "BRIEFBOT_INTAKE_ALLOW_PRIVATE": "1"}
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "feeds", "poll", "--once"],
        env=child_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert arrived.wait(30)
        deadline = time.monotonic() + 10
        # Wait until the fast feed's transaction is committed, then kill mid-poll.
        while time.monotonic() < deadline:
            if '"items_seen": 1' in cli("feeds", "list", "--format", "json")[1]:
                break
            time.sleep(0.1)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        released.set()
        if child.poll() is None:
            child.kill()

    server.text("/slow.xml", SLOW)
    # The killed poller never released its lease: the next poll waits for it to lapse.
    code, _, err = cli("feeds", "poll", "--once")
    assert code == 1 and "is polling the feeds" in err
    lapsed = datetime.now(UTC) + TTL
    monkeypatch.setattr(SystemClock, "now", lambda self: lapsed)
    code, _, err = cli("feeds", "poll", "--once")
    assert code == 0, err
    queue = json.loads(cli("queue", "list", "--format", "json")[1])
    urls = sorted(s["url"] for c in queue for s in c["sources"])
    assert urls == [
        "https://news.example/s1?utm_source=rss",
        "https://news.example/w1?utm_source=rss",
    ]
    feeds = {
        f["name"]: f["items_seen"] for f in json.loads(cli("feeds", "list", "--format", "json")[1])
    }
    assert feeds == {"Wire": 1, "Slow": 1}
