"""DigestScheduler: one timer over the stored next runs, firing at the DST rule, once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from bot.clock import SystemClock
from bot.delivery import DeliveryStatus, DigestDelivery
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.shards import ShardSpec
from bot.scheduling.scheduler import DigestScheduler
from tests.digests.conftest import PLATFORM, TINY_RETRY, RecordingPoster, World


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
async def poster() -> RecordingPoster:
    return RecordingPoster()


@pytest.fixture
def delivery(world: World, poster: RecordingPoster) -> DigestDelivery:
    clock = SystemClock()  # moved by time-machine; the loop sleeps in real (monotonic) time
    return DigestDelivery(
        world.service, world.servers, world.ledger, poster, clock, retry=TINY_RETRY
    )


@pytest.fixture
async def scheduler(world: World, delivery: DigestDelivery) -> AsyncIterator[DigestScheduler]:
    built = DigestScheduler(
        world.servers, delivery, SystemClock(), misfire_grace=timedelta(hours=1)
    )
    yield built
    await built.shutdown()


async def wait_for_posts(poster: RecordingPoster, count: int) -> None:
    async with asyncio.timeout(5):
        while len(poster.posts) < count:
            await poster.posted.wait()
            poster.posted.clear()


async def never() -> None:
    await asyncio.Event().wait()


async def test_each_next_run_is_stored_with_its_schedule_by_the_dst_rule(
    world: World, scheduler: DigestScheduler
) -> None:
    set_at = utc(2026, 3, 7, 12)
    await world.add_server("seoul", "08:00", "Asia/Seoul", since=set_at)
    await world.add_server("kyiv", "03:30", "Europe/Kyiv", since=set_at)
    await world.add_server("ny", "02:30", "America/New_York", since=set_at)
    await world.add_server("off", "08:00", "Asia/Seoul", since=set_at)
    await world.servers.disable_schedule(PLATFORM, "off")
    assert await scheduler.next_run_time(PLATFORM, "seoul") == utc(2026, 3, 7, 23)
    assert await scheduler.next_run_time(PLATFORM, "kyiv") == utc(2026, 3, 8, 1, 30)
    assert await scheduler.next_run_time(PLATFORM, "ny") == utc(2026, 3, 8, 7)  # DST rule
    assert await scheduler.next_run_time(PLATFORM, "off") is None


async def test_a_new_schedule_replaces_the_next_run_and_off_clears_it(
    world: World, scheduler: DigestScheduler
) -> None:
    await world.add_server("s1", "08:00", "Asia/Seoul", since=utc(2026, 3, 7, 12))
    await world.servers.set_schedule(
        PLATFORM, "s1", DigestSchedule.parse("c2", "09:15", "Europe/Kyiv"), utc(2026, 3, 7, 12)
    )
    assert await scheduler.next_run_time(PLATFORM, "s1") == utc(2026, 3, 8, 7, 15)
    await world.servers.disable_schedule(PLATFORM, "s1")
    assert await scheduler.next_run_time(PLATFORM, "s1") is None


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
async def test_the_timer_fires_at_the_rule_instant_once(
    world: World,
    scheduler: DigestScheduler,
    poster: RecordingPoster,
    zone: str,
    time_text: str,
    due: datetime,
    local: date,
    following: datetime,
) -> None:
    await world.add_server("s1", time_text, zone, since=due - timedelta(hours=1))
    with time_machine.travel(due - timedelta(seconds=0.5), tick=True):
        await scheduler.start()
        await wait_for_posts(poster, 1)
        posted_at = datetime.now(UTC)
        await asyncio.sleep(0.1)
        assert await scheduler.next_run_time(PLATFORM, "s1") == following
    assert due <= posted_at < due + timedelta(seconds=3)
    assert [p.digest.local_date for p in poster.posts] == [local]
    row = await world.ledger.get(PLATFORM, "s1", local)
    assert row is not None and row.message_id == "1000"


async def test_the_second_fall_back_hour_runs_nothing_and_a_forced_second_fire_posts_nothing(
    world: World, scheduler: DigestScheduler, poster: RecordingPoster
) -> None:
    await world.add_server("s1", "01:30", "America/New_York", since=utc(2026, 11, 1, 4))
    with time_machine.travel(utc(2026, 11, 1, 5, 31), tick=False):
        first = await scheduler.run_pending()
    with time_machine.travel(utc(2026, 11, 1, 6, 30), tick=False):
        assert await scheduler.run_pending() == []  # where a cron trigger fired again
        # Even if the index said "due" again (a double fire), the ledger posts nothing.
        await world.servers.advance_next_runs(
            [(PLATFORM, "s1", utc(2026, 11, 2, 6, 30), utc(2026, 11, 1, 6, 30))]
        )
        second = await scheduler.run_pending()
    assert [r.status for r in first] == [DeliveryStatus.POSTED]
    assert [(r.status, r.local_date) for r in second] == [
        (DeliveryStatus.NOT_CLAIMED, date(2026, 11, 1))
    ]
    assert len(poster.posts) == 1
    assert await scheduler.next_run_time(PLATFORM, "s1") == utc(2026, 11, 2, 6, 30)


async def test_runs_due_before_start_are_left_to_catch_up_and_moved_on(
    world: World, scheduler: DigestScheduler, poster: RecordingPoster
) -> None:
    await world.add_server("s1", "08:00", "Asia/Seoul", since=utc(2026, 3, 6))
    # A row from before the schedule index (migration 0010) has no next run yet.
    async with world.database.write() as connection:
        await connection.execute(
            "INSERT INTO servers (server_id, digest_channel_id, digest_time, timezone,"
            " updated_at) VALUES ('old', 'c-old', '08:00', 'Asia/Seoul', '2026-01-01')"
        )
    with time_machine.travel(utc(2026, 3, 7, 23, 30), tick=False):
        await scheduler.start(ready=never)  # the loop itself never runs here
        assert await scheduler.run_pending() == []
    assert poster.posts == []
    assert await scheduler.next_run_time(PLATFORM, "s1") == utc(2026, 3, 8, 23)
    assert await scheduler.next_run_time(PLATFORM, "old") == utc(2026, 3, 8, 23)


async def test_with_catch_up_first_a_missed_run_is_posted_once_by_catch_up_then_moved_on(
    world: World, scheduler: DigestScheduler, delivery: DigestDelivery, poster: RecordingPoster
) -> None:
    await world.add_server("s1", "08:00", "Asia/Seoul", since=utc(2026, 3, 7, 12))
    back = utc(2026, 3, 7, 23, 30)  # the bot was down at 08:00 KST; back 30 minutes later
    with time_machine.travel(back, tick=False):
        await scheduler.start(ready=never, catch_up_first=True)
        assert await scheduler.run_pending() == []  # catch-up's row: left alone
        assert await scheduler.next_run_time(PLATFORM, "s1") == utc(2026, 3, 7, 23)
        caught = await delivery.catch_up(back, timedelta(hours=6))
        scheduler.caught_up()
        assert await scheduler.run_pending() == []
    assert [(r.status, r.local_date) for r in caught] == [(DeliveryStatus.POSTED, date(2026, 3, 8))]
    assert len(poster.posts) == 1
    assert await scheduler.next_run_time(PLATFORM, "s1") == utc(2026, 3, 8, 23)


async def test_a_run_found_far_too_late_is_skipped(
    world: World, scheduler: DigestScheduler, poster: RecordingPoster
) -> None:
    await world.add_server("s1", "08:00", "Asia/Seoul", since=utc(2026, 3, 7, 12))
    with time_machine.travel(utc(2026, 3, 8, 0, 1), tick=False):  # 61 minutes after 08:00 KST
        assert await scheduler.run_pending() == []
    assert poster.posts == []
    assert await scheduler.next_run_time(PLATFORM, "s1") == utc(2026, 3, 8, 23)


async def test_a_switched_off_digest_is_not_run(
    world: World, scheduler: DigestScheduler, poster: RecordingPoster
) -> None:
    await world.add_server("s1", "08:00", "Asia/Seoul", since=utc(2026, 3, 7, 12))
    await world.servers.disable_schedule(PLATFORM, "s1")
    with time_machine.travel(utc(2026, 3, 7, 23, 0, 1), tick=False):
        assert await scheduler.run_pending() == []
    assert poster.posts == []


async def test_a_schedule_set_while_the_timer_sleeps_wakes_it(
    world: World, scheduler: DigestScheduler, poster: RecordingPoster
) -> None:
    with time_machine.travel(utc(2026, 3, 7, 22, 59, 59) + timedelta(seconds=0.5), tick=True):
        await scheduler.start()  # nothing scheduled: the timer sleeps for minutes
        await asyncio.sleep(0.1)
        set_up = await world.servers.set_schedule(
            PLATFORM, "s1", DigestSchedule.parse("c1", "08:00", "Asia/Seoul"), datetime.now(UTC)
        )
        scheduler.reschedule(set_up)
        await wait_for_posts(poster, 1)
    assert [p.target.server_id for p in poster.posts] == ["s1"]


async def test_many_servers_due_at_once_run_once_each_a_bounded_number_at_a_time(
    world: World, delivery: DigestDelivery, poster: RecordingPoster
) -> None:
    poster.delay = 0.01
    for number in range(12):
        await world.add_server(f"s{number:02}", "08:00", "Asia/Seoul", since=utc(2026, 3, 7, 12))
    small = DigestScheduler(world.servers, delivery, SystemClock(), batch=5, in_flight=2)
    with time_machine.travel(utc(2026, 3, 7, 23, 0, 5), tick=False):
        results = await small.run_pending()
        assert await small.run_pending() == []
    assert sorted(r.server_id for r in results) == [f"s{n:02}" for n in range(12)]
    assert {r.status for r in results} == {DeliveryStatus.POSTED}
    assert len(poster.posts) == 12
    assert poster.max_in_flight <= 2


async def test_a_scheduler_owning_shard_1_of_2_runs_only_its_servers(
    world: World, delivery: DigestDelivery, poster: RecordingPoster
) -> None:
    # Discord puts a guild on shard (id >> 22) % shard_count.
    on_shard = {0: [str(0 << 22), str(2 << 22)], 1: [str(1 << 22), str(3 << 22 | 12345)]}
    for guild in on_shard[0] + on_shard[1]:
        await world.add_server(guild, "08:00", "Asia/Seoul", since=utc(2026, 3, 7, 12))
    shard_one = DigestScheduler(world.servers, delivery, SystemClock(), shards=ShardSpec.of(2, 1))
    with time_machine.travel(utc(2026, 3, 7, 23, 0, 5), tick=False):
        results = await shard_one.run_pending()
    assert sorted(r.server_id for r in results) == sorted(on_shard[1])
    assert sorted(p.target.server_id for p in poster.posts) == sorted(on_shard[1])
    for guild in on_shard[0]:  # untouched: shard 0's process runs them
        assert await shard_one.next_run_time(PLATFORM, guild) == utc(2026, 3, 7, 23)
    for guild in on_shard[1]:
        assert await shard_one.next_run_time(PLATFORM, guild) == utc(2026, 3, 8, 23)


async def test_shutdown_does_not_hang_and_is_repeatable(scheduler: DigestScheduler) -> None:
    await scheduler.start()
    async with asyncio.timeout(2):
        await scheduler.shutdown()
        await scheduler.shutdown()


async def test_a_stored_zone_the_system_no_longer_knows_does_not_hold_up_the_others(
    world: World, delivery: DigestDelivery, poster: RecordingPoster
) -> None:
    for number in range(3):
        await world.add_server(f"gone{number}", "07:00", "Asia/Seoul", since=utc(2026, 3, 7, 12))
    await world.add_server("ok", "08:00", "Asia/Seoul", since=utc(2026, 3, 7, 12))
    async with world.database.write() as connection:  # as if tzdata dropped the zone
        await connection.execute(
            "UPDATE servers SET timezone = 'Gone/Zone' WHERE server_id LIKE 'gone%'"
        )
    small = DigestScheduler(world.servers, delivery, SystemClock(), batch=3, in_flight=2)
    with time_machine.travel(utc(2026, 3, 7, 23, 0, 5), tick=False):
        results = await small.run_pending()  # the three broken rows filled the first window
    assert [(r.server_id, r.status) for r in results] == [("ok", DeliveryStatus.POSTED)]
    assert [p.target.server_id for p in poster.posts] == ["ok"]


@pytest.mark.parametrize("ticks", range(4))
async def test_shutdown_as_the_timer_is_woken_does_not_hang(
    world: World, delivery: DigestDelivery, ticks: int
) -> None:
    # What stopping the bot does: catch-up ends (waking the timer) as the timer is cancelled.
    timer = DigestScheduler(world.servers, delivery, SystemClock())
    await timer.start()
    await asyncio.sleep(0.1)  # asleep until the next run (none: minutes)
    timer.caught_up()
    for _ in range(ticks):
        await asyncio.sleep(0)
    async with asyncio.timeout(5):
        await timer.shutdown()
