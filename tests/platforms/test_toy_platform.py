"""A third platform plugs in with one folder and one registry line, and gets digests; so
does the in-memory reference platform."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import platforms
from bot.app import App, open_app, seed_if_empty
from bot.clock import FixedClock
from bot.delivery import digest_marker
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.ledger import LedgerStatus
from bot.platforms.host import PlatformHost
from bot.platforms.memory import PLATFORM as MEMORY
from bot.platforms.memory import MemoryPoster
from bot.runner import run_platforms
from bot.settings import Settings
from tests.platforms.toy.platform import PLATFORM as TOY

BRIEFS = Path(__file__).resolve().parents[2] / "briefs"
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
REGISTRY = {**platforms.REGISTRY, "toy": "tests.platforms.toy.platform:PLATFORM"}  # the line


@pytest.fixture(params=["sqlite", "postgres"])
async def app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> AsyncIterator[App]:
    # Only the toy has credentials: no .env from the checkout, no Discord or Slack tokens.
    monkeypatch.chdir(tmp_path)
    for name in ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "TOY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("BRIEFBOT_MEMORY_ON", raising=False)
    # The same digest story on either backend (PostgreSQL: the shared store of issue 15).
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    settings = Settings.from_env(
        BRIEFBOT_DB=tmp_path / "bot.sqlite3",
        BRIEFBOT_DATABASE_URL=url,
        BRIEFBOT_BRIEFS_DIR=BRIEFS,
    )
    async with open_app(settings, FixedClock(NOW)) as opened:
        await seed_if_empty(opened)
        yield opened


@pytest.mark.parametrize(
    ("name", "switch", "poster", "author"),
    [
        ("toy", "TOY_TOKEN", TOY.poster, "toy-bot"),  # added by a test: folder + registry line
        ("memory", "BRIEFBOT_MEMORY_ON", MEMORY.poster, "briefbot"),  # the reference platform
    ],
)
async def test_a_platform_posts_its_digest_through_the_shared_runtime(
    app: App,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    switch: str,
    poster: MemoryPoster,
    author: str,
) -> None:
    # Arrange: the platform is configured, and its server's 08:00 UTC digest is owed (the
    # bot starts at 09:00).
    monkeypatch.setenv(switch, "1")
    host = PlatformHost.of(app, name)
    schedule = DigestSchedule.parse("channel", "08:00", "UTC")
    await host.servers.set_schedule(name, "server", schedule, NOW - timedelta(days=7))

    # Act: the runner starts whatever the registry says is configured.
    chosen = platforms.configured(REGISTRY)
    assert [platform.name for platform, _ in chosen] == [name]
    stop = asyncio.Event()
    running = asyncio.create_task(run_platforms(app, chosen, stop))
    try:
        for _ in range(400):
            if poster.channels.get("channel"):
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)

    # Assert: the channel got today's digest, once, and the ledger says posted.
    [message] = poster.channels.pop("channel")
    assert message.author == author
    assert message.heading == "Briefing digest — Sunday 29 November 2026"
    assert message.marker == digest_marker(NOW.date())
    row = await host.ledger.get(name, "server", NOW.date())
    assert row is not None and row.status is LedgerStatus.POSTED
    assert row.message_id == message.id
