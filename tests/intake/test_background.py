"""``briefbot run`` polls the feeds itself: one process at a time (a lease), and the
newsroom's intake channel gets ONE message per poll that found new candidates. Each story
runs on both backends: processes sharing a SQLite file, or a PostgreSQL database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, open_app
from bot.clock import FixedClock, SystemClock
from bot.env_settings import EnvSettings
from bot.intake.background import LEASE, TTL, BackgroundPolling
from bot.intake.compose import open_poller
from bot.platforms import AnyPlatform
from bot.platforms.memory import MemoryMessage, MemoryPlatform, MemoryPoster, MemorySettings
from bot.runner import run_platforms
from bot.settings import Settings
from tests.discord_digest.conftest import eventually
from tests.intake.server import OFF_TOPIC, REWRITE, STORY, FeedServer, rss

INTAKE = "newsroom-intake"
SHELLS = "North Korea shipped millions of artillery shells to Russia, Ukraine's HUR said."

Process = Callable[[], AbstractAsyncContextManager[App]]


@pytest.fixture(params=["sqlite", "postgres"])
def process(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Process:
    """Opens the app as one more ``briefbot run`` process on the same database would."""
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None

    def opened() -> AbstractAsyncContextManager[App]:
        settings = Settings.from_env(
            BRIEFBOT_DATABASE_URL=url,
            BRIEFBOT_DB=tmp_path / "bot.sqlite3",
            BRIEFBOT_BRIEFS_DIR=tmp_path / "none",
            BRIEFBOT_INTAKE_ALLOW_PRIVATE=True,
            BRIEFBOT_INTAKE_CHECK_S=0.05,
        )
        return open_app(settings, SystemClock())

    return opened


@asynccontextmanager
async def running(app: App, poster: MemoryPoster) -> AsyncIterator[None]:
    """``briefbot run`` with the memory platform, its intake channel set."""
    chosen: list[tuple[AnyPlatform, EnvSettings]] = [
        (MemoryPlatform(poster), MemorySettings(on=True, intake_channel=INTAKE))
    ]
    stop = asyncio.Event()
    task = asyncio.create_task(run_platforms(app, chosen, stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


async def notices(poster: MemoryPoster, count: int, rounds: int = 400) -> list[MemoryMessage]:
    for _ in range(rounds):
        if len(poster.channels.get(INTAKE, [])) >= count:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # ten more rounds of both processes: nothing else may come
    return poster.channels.get(INTAKE, [])


async def test_one_process_polls_and_the_newsroom_hears_once(
    process: Process, server: FeedServer
) -> None:
    server.text("/wire.xml", rss([("w1", "NK sends 1,500 troops to Russia", STORY),
                                  ("w2", "Council budget", OFF_TOPIC)]))  # fmt: skip
    server.text("/daily.xml", rss([("d1", "North Korea troops in Russia, says NIS", REWRITE),
                                   ("d2", "Shells for Moscow", SHELLS)]))  # fmt: skip
    channel = MemoryPoster()  # the one newsroom both processes post into
    async with process() as first, process() as second:
        feeds = first.storage.intake.feeds
        for path, name in (("/wire.xml", "Wire"), ("/daily.xml", "Daily")):
            await feeds.add(server.url(path), name, 15, SystemClock().now())
        leases = first.storage.intake.leases
        async with running(first, channel), running(second, channel):
            [message] = await notices(channel, 1)
            assert await leases.holder(LEASE, SystemClock().now()) is not None
        # Released at exit, so the next process need not wait for it to expire.
        assert await leases.holder(LEASE, SystemClock().now()) is None

    # Each feed fetched once: the other process did not poll.
    assert server.hits == {"/wire.xml": 1, "/daily.xml": 1}
    assert message.author == "briefbot"
    assert message.heading.startswith("2 new candidates to review: ")
    assert message.heading.endswith(" — /brief-admin queue")
    assert "Shells for Moscow" in message.heading and "Council budget" not in message.heading


async def test_the_next_process_takes_over_and_nothing_is_said_twice(
    process: Process, server: FeedServer
) -> None:
    server.text("/wire.xml", rss([("w1", "NK sends 1,500 troops to Russia", STORY)]))
    channel = MemoryPoster()
    async with process() as first:
        await first.storage.intake.feeds.add(server.url("/wire.xml"), "Wire", 15,
                                             SystemClock().now())  # fmt: skip
        async with running(first, channel):
            await notices(channel, 1)
    # The first process is gone; the next one polls and says only what is new.
    server.text("/wire.xml", rss([("w2", "Shells for Moscow", SHELLS),
                                  ("w1", "NK sends 1,500 troops to Russia", STORY)]))  # fmt: skip
    async with process() as second:
        await second.storage.intake.feeds.set_paused("1", False, None, SystemClock().now())
        async with running(second, channel):
            messages = await notices(channel, 2)
    assert [m.heading for m in messages] == [
        "1 new candidate to review: NK sends 1,500 troops to Russia — /brief-admin queue",
        "1 new candidate to review: Shells for Moscow — /brief-admin queue",
    ]


async def test_polling_in_the_bot_can_be_switched_off(
    process: Process, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.text("/wire.xml", rss([("w1", "NK sends 1,500 troops to Russia", STORY)]))
    monkeypatch.setenv("BRIEFBOT_INTAKE", "0")
    channel = MemoryPoster()
    async with process() as app:
        await app.storage.intake.feeds.add(server.url("/wire.xml"), "Wire", 15,
                                           SystemClock().now())  # fmt: skip
        async with running(app, channel):
            assert await notices(channel, 1, rounds=20) == []  # 20 rounds of 0.05 s
    assert server.hits == {}


async def test_a_poller_that_died_hands_over_when_its_lease_expires(
    process: Process, server: FeedServer
) -> None:
    server.text("/wire.xml", rss([("w1", "NK sends 1,500 troops to Russia", STORY)]))
    clock = FixedClock(datetime(2026, 3, 1, 12, tzinfo=UTC))
    async with process() as app:
        feeds, leases = app.storage.intake.feeds, app.storage.intake.leases
        await feeds.add(server.url("/wire.xml"), "Wire", 15, clock.now())

        def polling(holder: str) -> BackgroundPolling:
            return BackgroundPolling(
                lambda: open_poller(app), feeds, leases, clock, lambda: None,
                holder=holder, check_s=0.01,
            )  # fmt: skip

        # A polls, then dies (SIGKILL: no release); its lease stays until it expires.
        dead = polling("dead")
        async with open_poller(app) as poller:
            assert await dead.once(poller) is not None
        successor = polling("next")
        task = asyncio.create_task(successor.run())
        try:
            await eventually(lambda: successor.rounds >= 5)
            assert successor.polled == 0  # five looks, the lease still A's
            clock.moment += TTL
            await feeds.set_paused("1", False, None, clock.now())  # the feed is due again
            await eventually(lambda: successor.polled > 0)
            holder = await leases.holder(LEASE, clock.now())
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    assert holder == "next"
    assert server.hits == {"/wire.xml": 2}  # once by each, never by both at once
