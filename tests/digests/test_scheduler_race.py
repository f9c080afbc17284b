"""DigestScheduler: a delivery that ends while the pass's next read is on its way runs once.

Under load this was a flake (13 results for 12 servers): the pass read the due rows again
while a delivery was still running; the delivery moved its row on and left the running set
before the read came back with the row as it was when the read began, so the pass launched
that server again. Here the window is held open on purpose instead of waited for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
import time_machine

from bot.clock import SystemClock
from bot.delivery import DeliveryStatus, DeliveryTarget, DigestDelivery
from bot.domain.digest import Digest
from bot.domain.servers import DueSchedule
from bot.domain.shards import ShardSpec
from bot.ports.servers import NextRunChange
from bot.scheduling.scheduler import DigestScheduler
from tests.digests.conftest import PLATFORM, TINY_RETRY, RecordingPoster, World

SEOUL_8AM = datetime(2026, 3, 7, 23, tzinfo=UTC)
SINCE = datetime(2026, 3, 7, 12, tzinfo=UTC)


@dataclass
class GatedPoster(RecordingPoster):
    """Holds the post for ``held`` until ``release`` is set."""

    held: str = ""
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def post(self, target: DeliveryTarget, digest: Digest, nonce: str, marker: str) -> str:
        if target.server_id == self.held:
            await self.release.wait()
        return await super().post(target, digest, nonce, marker)


async def test_a_delivery_ending_during_the_next_read_is_not_launched_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Arrange: two servers due together, one delivery at a time, so the pass reads again
    # while the second (held) delivery is still running.
    poster = GatedPoster(held="late")
    delivery = DigestDelivery(
        world.service, world.servers, world.ledger, poster, SystemClock(), retry=TINY_RETRY
    )
    for server_id in ("early", "late"):
        await world.add_server(server_id, "08:00", "Asia/Seoul", since=SINCE)
    real_due, real_advance = world.servers.due_schedules, world.servers.advance_next_runs
    reads = 0
    late_moved_on = asyncio.Event()

    async def advance(changes: Iterable[NextRunChange]) -> None:
        changes = list(changes)
        await real_advance(changes)
        if any(server_id == "late" for _, server_id, _, _ in changes):
            late_moved_on.set()

    async def due(
        now: datetime, limit: int, shards: ShardSpec | None = None, floor: datetime | None = None
    ) -> list[DueSchedule]:
        # The second read sees "late" still due, then comes back only after that delivery
        # has finished and moved it on: a read whose snapshot began before the delivery ended.
        nonlocal reads
        reads += 1
        rows = await real_due(now, limit, shards, floor)
        if reads == 2:
            assert [item.server.server_id for item in rows] == ["late"]
            poster.release.set()
            await late_moved_on.wait()
            for _ in range(5):  # let the finished task's done-callbacks run first
                await asyncio.sleep(0)
        return rows

    monkeypatch.setattr(world.servers, "due_schedules", due)
    monkeypatch.setattr(world.servers, "advance_next_runs", advance)
    scheduler = DigestScheduler(world.servers, delivery, SystemClock(), batch=2, in_flight=1)

    # Act: the timer's pass at 08:00 Seoul.
    with time_machine.travel(SEOUL_8AM.replace(second=5), tick=False):
        async with asyncio.timeout(10):
            results = await scheduler.run_pending()

    # Assert: each server delivered once, one post each, and both moved on to the next day.
    assert sorted(r.server_id for r in results) == ["early", "late"]
    assert {r.status for r in results} == {DeliveryStatus.POSTED}
    assert sorted(p.target.server_id for p in poster.posts) == ["early", "late"]
    for server_id in ("early", "late"):
        assert await scheduler.next_run_time(PLATFORM, server_id) == datetime(
            2026, 3, 8, 23, tzinfo=UTC
        )
