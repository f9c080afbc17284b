"""Platform scoping, through the stores a deployment is really given (``open_storage``): one
that runs only Slack shares its database with a Discord one and must never schedule, catch
up or recover Discord's digests, on either backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.backends import Storage, opened_storage
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.shards import ShardSpec
from bot.storage.url import parse_database_url
from tests.contract.conftest import NOW
from tests.contract.test_ledger import DAY
from tests.contract.test_schedule_index import SEOUL_8


@pytest.fixture
async def storage(
    backend_name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Storage]:
    if backend_name == "postgres":
        url = str(request.getfixturevalue("postgres_url"))
    else:
        url = f"sqlite:///{tmp_path / 'briefbot.sqlite3'}"
    async with opened_storage(parse_database_url(url)) as opened:
        yield opened


async def test_a_slack_only_deployment_schedules_only_slack_servers(storage: Storage) -> None:
    everyone = storage.servers()
    for platform, server_id in (("discord", "1"), ("slack", "T1"), ("slack", "T2")):
        schedule = DigestSchedule.parse(f"c{server_id}", "08:00", "Asia/Seoul")
        await everyone.set_schedule(platform, server_id, schedule, NOW)

    slack = storage.servers({"slack"})
    assert [s.server_id for s in await slack.active_schedules()] == ["T1", "T2"]
    pages = [[s.server_id for s in page] async for page in slack.schedule_pages(1)]
    assert pages == [["T1"], ["T2"]]
    for shards in (None, ShardSpec.of(1, 0)):
        due = await slack.due_schedules(SEOUL_8, 10, shards)
        assert sorted(d.server.server_id for d in due) == ["T1", "T2"]
    assert await slack.get_schedule("discord", "1") is None
    assert await slack.get_schedule("slack", "T1") is not None
    # Single-key reads and writes are not scoped: a command for a server is always answered.
    assert await slack.next_run("discord", "1") == SEOUL_8
    assert (await slack.get("discord", "1")) is not None

    await everyone.disable_schedule("slack", "T1", NOW)
    await everyone.disable_schedule("slack", "T2", NOW)
    assert await slack.earliest_next_run(NOW) is None
    assert await everyone.earliest_next_run(NOW) == SEOUL_8
    assert [s.platform for s in await everyone.active_schedules()] == ["discord"]


async def test_a_slack_only_deployment_recovers_only_slack_claims(storage: Storage) -> None:
    everyone = storage.ledger()
    for platform in ("discord", "slack"):
        assert await everyone.claim(platform, "s1", DAY, "c", NOW) is not None

    started = NOW + timedelta(minutes=5)
    stale = await storage.ledger({"slack"}).stale_claims(started)
    assert [(row.platform, row.server_id) for row in stale] == [("slack", "s1")]
    assert len(await everyone.stale_claims(started)) == 2
