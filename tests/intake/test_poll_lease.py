"""A manual ``briefbot feeds poll`` takes the bot's polling lease: while the bot (or another
poll) holds it, the command says so in one line and changes nothing; otherwise it holds the
lease for its run, renewing it, and releases it at the end — after an error or Ctrl-C too.
On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

import pytest
from aiohttp import web

from bot.app import App, open_app
from bot.clock import SystemClock
from bot.intake.background import LEASE, Hold, PollingElsewhere
from bot.intake.poller import Poller
from bot.settings import Settings
from tests.core.conftest import Cli
from tests.intake.server import STORY, FeedServer, rss
from tests.intake.test_background import Process, process  # noqa: F401  (fixture reused)
from tests.intake.test_cli_flow import cli  # noqa: F401  (the CLI on both backends)

T = TypeVar("T")
BOT = "newsroom-host:4242:5f0c1a2b"


def with_app(use: Callable[[App], Awaitable[T]]) -> T:
    """Another process's look at the database the CLI uses (the bot, or an operator)."""

    async def run() -> T:
        async with open_app(Settings.from_env(), SystemClock()) as app:
            return await use(app)

    return asyncio.run(run())


def lease_holder() -> str | None:
    return with_app(lambda app: app.storage.intake.leases.holder(LEASE, SystemClock().now()))


def bot_takes_the_lease() -> None:
    async def take(app: App) -> bool:
        leases = app.storage.intake.leases
        return await leases.acquire(LEASE, BOT, SystemClock().now(), timedelta(minutes=2))

    assert with_app(take)


def bot_stops() -> None:
    with_app(lambda app: app.storage.intake.leases.release(LEASE, BOT))


def test_a_manual_poll_while_the_bot_polls_changes_nothing(
    cli: Cli,  # noqa: F811
    server: FeedServer,
) -> None:
    server.text("/wire.xml", rss([("w1", "NK sends 1,500 troops to Russia", STORY)]))
    assert cli("feeds", "add", server.url("/wire.xml"), "--name", "Wire")[0] == 0
    bot_takes_the_lease()

    code, out, err = cli("feeds", "poll", "--once")

    assert code == 1 and out == ""
    assert err == (
        f"briefbot: the bot (or another feeds poll) is polling the feeds ({BOT} holds the"
        " intake lease); try again later, or set BRIEFBOT_INTAKE=0 on the bot\n"
    )
    assert server.hits == {}
    assert json.loads(cli("feeds", "list", "--format", "json")[1])[0]["last_success"] is None
    assert cli("queue", "list", "--format", "json")[1].strip() == "[]"
    assert lease_holder() == BOT  # the bot's lease is untouched

    # The bot stops (or runs with BRIEFBOT_INTAKE=0): the manual poll runs and lets go.
    bot_stops()
    code, out, _ = cli("feeds", "poll", "--once")
    assert code == 0 and "1 new candidate(s)" in out
    assert server.hits == {"/wire.xml": 1}
    assert lease_holder() is None


def test_a_poll_that_fails_releases_the_lease(
    cli: Cli,  # noqa: F811
    server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server.text("/wire.xml", rss([("w1", "NK sends 1,500 troops to Russia", STORY)]))
    cli("feeds", "add", server.url("/wire.xml"), "--name", "Wire")

    async def broken(self: Poller, everything: bool = False) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Poller, "poll", broken)
    code, _, err = cli("feeds", "poll", "--once")
    assert code != 0 and "disk on fire" not in err
    assert lease_holder() is None  # the bot can poll at once, not in two minutes


def test_ctrl_c_mid_poll_releases_the_lease(
    cli: Cli,  # noqa: F811
    server: FeedServer,
    env: dict[str, str],
) -> None:
    arrived, released = threading.Event(), threading.Event()

    async def hanging(request: web.Request) -> web.StreamResponse:
        arrived.set()
        while not released.is_set():  # noqa: ASYNC110  (a thread's event, polled)
            await asyncio.sleep(0.05)
        return web.Response(text=rss([]))

    server.routes["/slow.xml"] = hanging
    cli("feeds", "add", server.url("/slow.xml"), "--name", "Slow")
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "feeds", "poll"],  # keeps polling until Ctrl-C
        env={**os.environ, **env, "BRIEFBOT_INTAKE_ALLOW_PRIVATE": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert arrived.wait(30)
        holder = lease_holder()
        assert holder is not None and f":{child.pid}:" in holder
        # Meanwhile another manual poll is turned away.
        assert "is polling the feeds" in cli("feeds", "poll", "--once")[2]
        child.send_signal(signal.SIGINT)
        assert child.wait(20) == 130
    finally:
        released.set()
        if child.poll() is None:
            child.kill()
    assert lease_holder() is None


async def test_the_lease_is_renewed_through_a_long_run(process: Process) -> None:  # noqa: F811
    """A poll longer than the lease keeps it (renewed every third of it): the bot, asking
    meanwhile, is refused; once the run ends it is free."""
    async with process() as cli_side, process() as bot:
        clock, ttl = SystemClock(), timedelta(seconds=0.6)
        hold = Hold(cli_side.storage.intake.leases, clock, "cli", ttl)
        async with hold.held():
            await asyncio.sleep(3 * ttl.total_seconds())  # five renewals' worth
            taken = await bot.storage.intake.leases.acquire(LEASE, "bot", clock.now(), ttl)
            with pytest.raises(PollingElsewhere):
                await Hold(bot.storage.intake.leases, clock, "bot", ttl).take()
        assert not taken
        assert await bot.storage.intake.leases.holder(LEASE, clock.now()) is None
