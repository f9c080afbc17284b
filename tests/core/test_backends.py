"""``bot.backends``: one URL picks the backend, and every platform's stores see only that
platform's servers, digests and notices, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.backends import Storage, opened_storage
from bot.domain.digest_schedule import DigestSchedule
from bot.storage.url import parse_database_url

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
DAY = date(2026, 3, 1)


@pytest.fixture(params=["sqlite", "postgres"])
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    async with opened_storage(parse_database_url(url)) as opened:
        assert opened.kind == ("postgresql" if request.param == "postgres" else "sqlite")
        yield opened


async def test_each_platform_schedules_and_recovers_only_its_own(storage: Storage) -> None:
    schedule = DigestSchedule.parse("c1", "08:00", "UTC")
    everything = storage.servers()
    await everything.set_schedule("discord", "g1", schedule, NOW)
    await everything.set_schedule("slack", "T1", schedule, NOW)
    ledger = storage.ledger()
    assert await ledger.claim("discord", "g1", DAY, "c1", NOW)
    assert await ledger.claim("slack", "T1", DAY, "c1", NOW)

    discord_servers = storage.servers({"discord"})
    later = NOW + timedelta(hours=1)

    assert [s.server_id for s in await discord_servers.active_schedules()] == ["g1"]
    assert await discord_servers.get_schedule("slack", "T1") is None
    assert [s.server_id for s in await everything.active_schedules()] == ["g1", "T1"]
    assert [r.platform for r in await storage.ledger({"slack"}).stale_claims(later)] == ["slack"]
    assert len(await ledger.stale_claims(later)) == 2
