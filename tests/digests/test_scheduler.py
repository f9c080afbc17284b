"""DigestScheduler: jobs rebuilt from the table, replaced at once, firing at the DST rule."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from bot.clock import SystemClock
from bot.delivery import DeliveryResult, DeliveryStatus, DigestDelivery
from bot.domain.digest_schedule import DigestSchedule
from bot.scheduling.scheduler import DigestScheduler, DigestTrigger, job_id
from tests.digests.conftest import PLATFORM, TINY_RETRY, RecordingPoster, World


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
async def poster() -> RecordingPoster:
    return RecordingPoster()


@pytest.fixture
async def scheduler(world: World, poster: RecordingPoster) -> AsyncIterator[DigestScheduler]:
    clock = SystemClock()  # moved by time-machine, like APScheduler's own clock
    delivery = DigestDelivery(
        world.service, world.servers, world.ledger, poster, clock, retry=TINY_RETRY
    )
    built = DigestScheduler(world.servers, delivery, clock, misfire_grace=timedelta(hours=1))
    yield built
    await built.shutdown()


async def wait_for_posts(poster: RecordingPoster, count: int) -> None:
    async with asyncio.timeout(5):
        while len(poster.posts) < count:
            await poster.posted.wait()
            poster.posted.clear()


async def test_start_rebuilds_one_job_per_active_schedule(
    world: World, scheduler: DigestScheduler
) -> None:
    await world.add_server("seoul", "08:00", "Asia/Seoul")
    await world.add_server("kyiv", "03:30", "Europe/Kyiv")
    await world.add_server("ny", "02:30", "America/New_York")
    await world.add_server("off", "08:00", "Asia/Seoul")
    await world.servers.disable_schedule(PLATFORM, "off")
    with time_machine.travel(utc(2026, 3, 7, 12), tick=False):
        assert await scheduler.start() == 3
        jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"digest:discord:seoul", "digest:discord:kyiv", "digest:discord:ny"}
    assert jobs["digest:discord:seoul"].next_run_time == utc(2026, 3, 7, 23)
    assert jobs["digest:discord:kyiv"].next_run_time == utc(2026, 3, 8, 1, 30)
    assert jobs["digest:discord:ny"].next_run_time == utc(2026, 3, 8, 7)  # DST rule
    job = jobs["digest:discord:ny"]
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3600)
    assert isinstance(job.trigger, DigestTrigger)


async def test_reschedule_replaces_and_remove_drops(
    world: World, scheduler: DigestScheduler
) -> None:
    server = await world.add_server("s1", "08:00", "Asia/Seoul")
    with time_machine.travel(utc(2026, 3, 7, 12), tick=False):
        await scheduler.start()
        moved = await world.servers.set_schedule(
            PLATFORM, "s1", DigestSchedule.parse("c2", "09:15", "Europe/Kyiv")
        )
        scheduler.reschedule(moved)
        jobs = scheduler.get_jobs()
    assert [job.id for job in jobs] == [job_id(PLATFORM, "s1")]
    assert jobs[0].next_run_time == utc(2026, 3, 8, 7, 15)
    assert scheduler.next_run_time(PLATFORM, "s1") == utc(2026, 3, 8, 7, 15)
    assert scheduler.remove(server.platform, server.server_id)
    assert not scheduler.remove(server.platform, server.server_id)
    assert scheduler.get_jobs() == []


@pytest.mark.parametrize(
    ("zone", "time_text", "due", "local", "following"),
    [
        # Spring forward: 02:30 does not exist; fired at 03:00 EDT, once.
        ("America/New_York", "02:30", utc(2026, 3, 8, 7), date(2026, 3, 8), utc(2026, 3, 9, 6, 30)),
        # Fall back: 01:30 occurs twice; fired at the first, and not again at 06:30 UTC.
        (
            "America/New_York",
            "01:30",
            utc(2026, 11, 1, 5, 30),
            date(2026, 11, 1),
            utc(2026, 11, 2, 6, 30),
        ),
        ("Europe/Kyiv", "03:30", utc(2026, 3, 29, 1), date(2026, 3, 29), utc(2026, 3, 30, 0, 30)),
        ("Asia/Seoul", "08:00", utc(2026, 3, 7, 23), date(2026, 3, 8), utc(2026, 3, 8, 23)),
    ],
)
async def test_the_job_fires_at_the_rule_instant_once(
    world: World,
    scheduler: DigestScheduler,
    poster: RecordingPoster,
    zone: str,
    time_text: str,
    due: datetime,
    local: date,
    following: datetime,
) -> None:
    await world.add_server("s1", time_text, zone)
    with time_machine.travel(due - timedelta(seconds=0.5), tick=True):
        await scheduler.start()
        await wait_for_posts(poster, 1)
        posted_at = datetime.now(UTC)
        await asyncio.sleep(0.1)
        assert scheduler.next_run_time(PLATFORM, "s1") == following
    assert due <= posted_at < due + timedelta(seconds=3)
    assert [p.digest.local_date for p in poster.posts] == [local]
    row = await world.ledger.get(PLATFORM, "s1", local)
    assert row is not None and row.message_id == "1000"


async def test_a_second_fire_on_the_same_date_does_nothing(
    world: World, scheduler: DigestScheduler, poster: RecordingPoster
) -> None:
    await world.add_server("s1", "01:30", "America/New_York")
    with time_machine.travel(utc(2026, 11, 1, 5, 31), tick=False):
        await scheduler.start()
        job = scheduler.get_jobs()[0]
        first: DeliveryResult = await job.func(*job.args)
    # What a cron trigger would do: fire again at the second 01:30 (06:30 UTC).
    with time_machine.travel(utc(2026, 11, 1, 6, 30), tick=False):
        second: DeliveryResult = await job.func(*job.args)
    assert first.status is DeliveryStatus.POSTED
    assert second.status is DeliveryStatus.NOT_CLAIMED
    assert second.local_date == date(2026, 11, 1)
    assert len(poster.posts) == 1


async def test_a_job_that_outlived_digest_off_does_not_post(
    world: World, scheduler: DigestScheduler, poster: RecordingPoster
) -> None:
    await world.add_server("s1", "08:00", "Asia/Seoul")
    with time_machine.travel(utc(2026, 3, 7, 23, 0, 1), tick=False):
        await scheduler.start()
        job = scheduler.get_jobs()[0]
        await world.servers.disable_schedule(PLATFORM, "s1")
        assert await job.func(*job.args) is None
    assert poster.posts == []
    assert scheduler.get_jobs() == []


async def test_shutdown_does_not_hang_and_is_repeatable(scheduler: DigestScheduler) -> None:
    await scheduler.start()
    async with asyncio.timeout(2):
        await scheduler.shutdown()
        await scheduler.shutdown()
