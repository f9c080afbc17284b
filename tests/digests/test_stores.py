"""ServerStore and DigestLedger against a real temp database."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.digest_schedule import DigestSchedule
from bot.domain.ledger import LedgerStatus
from tests.digests.conftest import PLATFORM, World

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
DAY = date(2026, 3, 1)


async def test_schedule_round_trip_disable_and_active_list(world: World) -> None:
    sched = DigestSchedule.parse("42", "08:30", "Europe/Kyiv", ("deployment",), "skip")
    await world.servers.set_schedule(PLATFORM, "s1", sched, NOW)
    await world.add_server("s2")
    settings = await world.servers.get(PLATFORM, "s1")
    assert settings is not None and settings.schedule == sched
    assert settings.schedule_since == NOW
    assert [s.server_id for s in await world.servers.active_schedules()] == ["s1", "s2"]

    assert await world.servers.disable_schedule(PLATFORM, "s1", NOW)
    assert not await world.servers.disable_schedule(PLATFORM, "s1", NOW)
    assert await world.servers.get_schedule(PLATFORM, "s1") is None
    assert [s.server_id for s in await world.servers.active_schedules()] == ["s2"]
    kept = await world.servers.get(PLATFORM, "s1")
    assert kept is not None and kept.topics == ("deployment",)


@pytest.mark.parametrize(
    ("time_text", "zone"), [("25:00", "Asia/Seoul"), ("08:00", "Mars/Base"), ("8", "UTC")]
)
async def test_bad_input_leaves_settings_unchanged(world: World, time_text: str, zone: str) -> None:
    before = await world.add_server("s1", "07:00", "Asia/Seoul")
    with pytest.raises(ValueError):
        schedule = DigestSchedule.parse("99", time_text, zone)
        await world.servers.set_schedule(PLATFORM, "s1", schedule, NOW)
    after = await world.servers.get_schedule(PLATFORM, "s1")
    assert after is not None and after.schedule == before.schedule


async def test_editor_roles_add_remove_list_concurrently(world: World) -> None:
    await world.add_server("s1")
    await asyncio.gather(
        *(world.servers.add_editor_role(PLATFORM, "s1", f"r{n}") for n in range(10))
    )
    assert sorted(await world.servers.editor_role_ids(PLATFORM, "s1")) == sorted(
        f"r{n}" for n in range(10)
    )
    assert await world.servers.add_editor_role(PLATFORM, "s1", "r1") == tuple(
        await world.servers.editor_role_ids(PLATFORM, "s1")
    )
    remaining = await world.servers.remove_editor_role(PLATFORM, "s1", "r1")
    assert "r1" not in remaining and len(remaining) == 9
    assert await world.servers.editor_role_ids(PLATFORM, "other") == []
    # Roles on a server without a schedule, and the schedule is untouched by role changes.
    await world.servers.add_editor_role(PLATFORM, "s9", "r")
    assert await world.servers.get_schedule(PLATFORM, "s9") is None
    assert (await world.servers.get_schedule(PLATFORM, "s1")) is not None


async def test_claim_is_won_once_even_concurrently(world: World) -> None:
    claims = await asyncio.gather(
        *(world.ledger.claim(PLATFORM, "s1", DAY, "c", NOW) for _ in range(10))
    )
    assert sum(c is not None for c in claims) == 1
    row = await world.ledger.get(PLATFORM, "s1", DAY)
    assert row is not None and row.status is LedgerStatus.CLAIMED and row.attempts == 1


@pytest.mark.parametrize(
    "finish",
    ["posted", "failed", "skipped", "missed"],
)
async def test_final_rows_are_never_claimed_again(world: World, finish: str) -> None:
    ledger = world.ledger
    assert await ledger.claim(PLATFORM, "s1", DAY, "c", NOW)
    if finish == "posted":
        assert await ledger.mark_posted(PLATFORM, "s1", DAY, "m1", NOW)
    elif finish == "failed":
        assert await ledger.mark_failed(PLATFORM, "s1", DAY, "no permission", NOW)
    elif finish == "skipped":
        assert await ledger.mark_skipped(PLATFORM, "s1", DAY, "quiet", NOW)
    else:
        assert await ledger.mark_missed(PLATFORM, "s1", DAY, "c", "late", NOW)
    assert await ledger.claim(PLATFORM, "s1", DAY, "c", NOW) is None
    later = NOW + timedelta(days=1)
    assert await ledger.reclaim_stale(PLATFORM, "s1", DAY, later, later) is None
    # A final status is never overwritten by a late writer.
    assert not await ledger.mark_posted(PLATFORM, "s1", DAY, "m2", NOW)
    assert not await ledger.mark_missed(PLATFORM, "s1", DAY, "c", "late", NOW)
    row = await ledger.get(PLATFORM, "s1", DAY)
    assert row is not None and row.status.value == finish


async def test_reclaim_stale_only_once_and_only_old_claims(world: World) -> None:
    ledger = world.ledger
    await ledger.claim(PLATFORM, "s1", DAY, "c", NOW)
    assert await ledger.reclaim_stale(PLATFORM, "s1", DAY, NOW, NOW) is None  # live claim
    restart = NOW + timedelta(hours=1)
    assert [r.server_id for r in await ledger.stale_claims(restart)] == ["s1"]
    first, second = await asyncio.gather(
        ledger.reclaim_stale(PLATFORM, "s1", DAY, restart, restart),
        ledger.reclaim_stale(PLATFORM, "s1", DAY, restart, restart),
    )
    claims = [c for c in (first, second) if c is not None]
    assert len(claims) == 1
    assert claims[0].recovered and claims[0].attempts == 2 and claims[0].covers_until == NOW
    assert await ledger.stale_claims(restart) == []


async def test_attempts_status_and_last_posted(world: World) -> None:
    ledger = world.ledger
    for offset in range(3):
        day = DAY + timedelta(days=offset)
        await ledger.claim(PLATFORM, "s1", day, "c", NOW + timedelta(days=offset))
    assert await ledger.record_attempt_error(PLATFORM, "s1", DAY, "500") == 2
    await ledger.mark_posted(PLATFORM, "s1", DAY, "m1", NOW)
    await ledger.mark_posted(PLATFORM, "s1", DAY + timedelta(days=1), "m2", NOW)
    await ledger.mark_failed(PLATFORM, "s1", DAY + timedelta(days=2), "gone", NOW)
    last = await world.ledger.last_posted(PLATFORM, "s1")
    assert last is not None and last.message_id == "m2"
    assert last.covers_until == NOW + timedelta(days=1)
    rows = await ledger.status(PLATFORM, "s1")
    assert [r.status for r in rows] == [
        LedgerStatus.FAILED,
        LedgerStatus.POSTED,
        LedgerStatus.POSTED,
    ]
    assert rows[0].last_error == "gone" and rows[2].attempts == 2
    found = await ledger.rows_for([(PLATFORM, "s1", DAY), (PLATFORM, "s2", DAY)])
    assert list(found) == [(PLATFORM, "s1", DAY)]
