"""Stopping the digest timer at the moment it is woken (catch-up done, ``/digest setup``)
still stops it: ``briefbot run`` must not hang on SIGTERM, nor a test on teardown."""

from __future__ import annotations

import asyncio

from bot.clock import SystemClock
from bot.delivery import DigestDelivery
from bot.scheduling.scheduler import DigestScheduler
from tests.digests.conftest import TINY_RETRY, RecordingPoster, World


async def test_shutdown_as_the_timer_wakes_stops_it(world: World) -> None:
    delivery = DigestDelivery(
        world.service,
        world.servers,
        world.ledger,
        RecordingPoster(),
        SystemClock(),
        retry=TINY_RETRY,
    )
    for _ in range(20):
        scheduler = DigestScheduler(world.servers, delivery, SystemClock())
        await scheduler.start()
        for _ in range(5):  # let the first pass run and the timer go to sleep
            await asyncio.sleep(0)
        await asyncio.sleep(0.01)
        scheduler.caught_up()  # wakes the timer; the stop below arrives in the same instant
        async with asyncio.timeout(5):
            await scheduler.shutdown()
