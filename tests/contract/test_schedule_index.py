"""The schedule index port: each server's next due instant, stored with its schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.digest_schedule import DigestSchedule
from bot.domain.shards import ShardSpec
from tests.contract.backends import Backend
from tests.contract.conftest import NOW
from tests.contract.test_servers import PLATFORM

SEOUL_8 = datetime(2026, 3, 1, 23, tzinfo=UTC)  # 08:00 KST on 2 March, the first after NOW


async def set_seoul(backend: Backend, server_id: str, platform: str = PLATFORM) -> None:
    schedule = DigestSchedule.parse(f"c{server_id}", "08:00", "Asia/Seoul")
    await backend.servers.set_schedule(platform, server_id, schedule, NOW)


async def test_next_run_is_written_with_the_schedule_and_cleared_with_it(
    backend: Backend,
) -> None:
    await set_seoul(backend, "s1")
    assert await backend.servers.next_run(PLATFORM, "s1") == SEOUL_8
    assert await backend.servers.earliest_next_run(NOW) == SEOUL_8
    assert await backend.servers.due_schedules(SEOUL_8 - timedelta(seconds=1), 10) == []
    due = await backend.servers.due_schedules(SEOUL_8, 10)
    assert [(d.server.server_id, d.next_run) for d in due] == [("s1", SEOUL_8)]
    await backend.servers.disable_schedule(PLATFORM, "s1", NOW)
    assert await backend.servers.next_run(PLATFORM, "s1") is None
    assert await backend.servers.due_schedules(SEOUL_8, 10) == []


async def test_advancing_moves_only_a_next_run_that_is_still_as_read(backend: Backend) -> None:
    await set_seoul(backend, "s1")
    await set_seoul(backend, "s2")
    tomorrow = SEOUL_8 + timedelta(days=1)
    # s2 was set up again meanwhile: its new next run stands.
    await backend.servers.advance_next_runs(
        [(PLATFORM, "s1", SEOUL_8, tomorrow), (PLATFORM, "s2", NOW, tomorrow)]
    )
    assert await backend.servers.next_run(PLATFORM, "s1") == tomorrow
    assert await backend.servers.next_run(PLATFORM, "s2") == SEOUL_8


async def test_due_rows_come_earliest_first_limited_and_from_a_floor(backend: Backend) -> None:
    for number, time_text in enumerate(("09:00", "08:00", "10:00")):
        schedule = DigestSchedule.parse("c", time_text, "Asia/Seoul")
        await backend.servers.set_schedule(PLATFORM, f"s{number}", schedule, NOW)
    late = SEOUL_8 + timedelta(hours=3)
    assert [d.server.server_id for d in await backend.servers.due_schedules(late, 2)] == [
        "s1",
        "s0",
    ]
    floored = await backend.servers.due_schedules(late, 10, not_before=SEOUL_8 + timedelta(hours=1))
    assert [d.server.server_id for d in floored] == ["s0", "s2"]


async def test_a_shard_spec_selects_the_owned_guilds(backend: Backend) -> None:
    # Real-sized guild ids (19 digits) on each of 4 shards, and a Slack team id (shard 0).
    guilds = [str(1576919301288362021 + (n << 22)) for n in range(4)] + ["T0123ABC"]
    for guild in guilds:
        await set_seoul(backend, guild)
    for spec in (ShardSpec.of(2, 1), ShardSpec.of(2, 0), ShardSpec.of(4, 0, 3)):
        owned = await backend.servers.due_schedules(SEOUL_8, 10, spec)
        assert sorted(d.server.server_id for d in owned) == sorted(
            g for g in guilds if spec.owns(g)
        )
        assert 0 < len(owned) < len(guilds)
    assert await backend.servers.earliest_next_run(NOW, ShardSpec.of(4, 3)) == SEOUL_8


async def test_catch_up_pages_hold_only_schedules_whose_next_run_has_passed(
    backend: Backend,
) -> None:
    for number in range(5):
        await set_seoul(backend, f"s{number}")
    await backend.servers.advance_next_runs(
        [(PLATFORM, "s3", SEOUL_8, SEOUL_8 + timedelta(days=1))]
    )
    pages = [
        [s.server_id for s in page]
        async for page in backend.servers.schedule_pages(2, due_by=SEOUL_8)
    ]
    assert pages == [["s0", "s1"], ["s2", "s4"]]
    every = [s async for page in backend.servers.schedule_pages(2) for s in page]
    assert len(every) == 5
