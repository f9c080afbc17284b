"""One timer over the schedule index: each server's digest at its due instant.

Each server's next due instant is stored with its schedule (``servers.next_run_utc``, written
by ``set_schedule`` with the domain's :func:`~bot.domain.digest_schedule.next_run`). One loop
sleeps until the earliest of them, or until a schedule changes; then it delivers what is due,
a bounded number at a time, and moves each server's next run on. Nothing per server is kept in
memory, and start-up reads nothing per server: both stay flat at 100,000 schedules, where one
APScheduler job per server took seconds and hundreds of MB (see docs/benchmarks.md).

The DST rule is the domain's, not a cron trigger's: a cron job for 02:30 America/New_York
fires at 07:30 UTC on 2026-03-08 (half an hour after the clocks jumped) and one for 01:30
twice on 2026-11-01. ``next_run`` gives 03:00 EDT for the first and only the first 01:30 for
the second, and after a run the next one is computed from the run (or from now, if later), so
a fall-back hour is never run twice. The ledger would absorb a double fire anyway.

Runs that fell due before this process started belong to start-up catch-up
(:mod:`bot.recovery`), which reads exactly the schedules whose stored next run has passed.
Started with ``catch_up_first``, the loop leaves those rows alone until :meth:`caught_up`,
then only moves their next run on, as the per-server jobs used to be rebuilt from "now". A
run found more than ``misfire_grace`` late (the loop was blocked) is skipped and logged, as
before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.delivery import DeliveryResult, DigestDelivery, SharedCompositions
from bot.domain.digest_schedule import next_run, run_date
from bot.domain.servers import DueSchedule, ServerSchedule
from bot.domain.shards import ShardSpec
from bot.ports.servers import NextRunChange, ScheduleIndex

log = logging.getLogger(__name__)

DEFAULT_MISFIRE_GRACE = timedelta(hours=1)
BATCH = 500  # due rows read per query
IN_FLIGHT = 100  # deliveries running at once (each holds only its server's row)
# Sleep at most this long between looks: a changed wall clock is noticed within it.
MAX_SLEEP = timedelta(minutes=5)
RETRY_AFTER = timedelta(seconds=30)  # after a failed pass (the database was busy or gone)

Key = tuple[str, str]


async def _no_wait() -> None:
    return None


class DigestScheduler:
    """Runs ``delivery.deliver`` for each server at its due instants.

    ``shards``: in a deployment split into processes by Discord shard, the shards this
    process owns; only their servers are read and run (see :mod:`bot.domain.shards`).
    """

    def __init__(
        self,
        servers: ScheduleIndex,
        delivery: DigestDelivery,
        clock: Clock,
        *,
        misfire_grace: timedelta = DEFAULT_MISFIRE_GRACE,
        shards: ShardSpec | None = None,
        batch: int = BATCH,
        in_flight: int = IN_FLIGHT,
    ) -> None:
        if batch <= in_flight:
            raise ValueError("batch must exceed in_flight so a pass always finds new rows")
        self._servers = servers
        self._delivery = delivery
        self._clock = clock
        self._misfire_grace = misfire_grace
        self._shards = shards
        self._batch = batch
        self._slots = asyncio.Semaphore(in_flight)
        self._running: dict[Key, asyncio.Task[DeliveryResult | None]] = {}
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._started: datetime | None = None
        self._floor: datetime | None = None  # rows due before it wait for catch-up

    async def start(
        self, ready: Callable[[], Awaitable[None]] = _no_wait, *, catch_up_first: bool = False
    ) -> None:
        """Start the loop in the background and return at once (nothing is read here).

        ``ready`` is awaited before the first pass (e.g. until the gateway is up). With
        ``catch_up_first``, runs due before now are left untouched until :meth:`caught_up`.
        """
        if self._loop_task is None:
            self._started = self._clock.now()
            self._floor = self._started if catch_up_first else None
            self._loop_task = asyncio.create_task(self._loop(ready), name="digest-scheduler")

    def caught_up(self) -> None:
        """Start-up catch-up has read what it owns: the loop may move those runs on now."""
        self._floor = None
        self._wake.set()

    def reschedule(self, server: ServerSchedule) -> None:
        """The server's schedule was set (its next run is stored with it): look again."""
        self._wake.set()

    def remove(self, platform: str, server_id: str) -> None:
        """The server's digest was switched off: look again (its row is no longer due)."""
        self._wake.set()

    async def next_run_time(self, platform: str, server_id: str) -> datetime | None:
        """When the server's digest runs next, or None if it has none."""
        return await self._servers.next_run(platform, server_id)

    async def run_pending(self) -> list[DeliveryResult]:
        """One pass, as the loop makes it when it wakes, awaited: what was delivered."""
        _, tasks = await self._pass()
        return [result for result in await asyncio.gather(*tasks) if result is not None]

    async def shutdown(self) -> None:
        """Stop without waiting for running deliveries (an interrupted claim is recovered)."""
        tasks = [task for task in (self._loop_task, *self._running.values()) if task]
        self._loop_task = None
        for task in tasks:
            task.cancel()
        for outcome in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(outcome, Exception):
                log.error("digest scheduler task had failed", exc_info=outcome)

    # -- the loop ---------------------------------------------------------------------------

    async def _loop(self, ready: Callable[[], Awaitable[None]]) -> None:
        await ready()
        while True:
            self._wake.clear()
            try:
                looked, _ = await self._pass()
                delay = await self._delay(looked)
            except Exception:  # the loop must outlive a bad moment of the database
                log.exception("digest scheduler pass failed; trying again")
                delay = RETRY_AFTER
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # lands as the wake-up does (shutdown then waits for a loop that goes on).
            with suppress(TimeoutError):
                async with asyncio.timeout(delay.total_seconds()):
                    await self._wake.wait()

    async def _delay(self, looked: datetime) -> timedelta:
        # From the instant the last pass looked: a row that fell due since is due now.
        earliest = await self._servers.earliest_next_run(looked, self._shards)
        if earliest is None:
            return MAX_SLEEP
        return max(timedelta(0), min(earliest - self._clock.now(), MAX_SLEEP))

    async def _pass(self) -> tuple[datetime, list[asyncio.Task[DeliveryResult | None]]]:
        """Start every due delivery (at most ``in_flight`` at once); move stale runs on."""
        launched: list[asyncio.Task[DeliveryResult | None]] = []
        while True:
            now = self._clock.now()
            # Servers due together compose a shared digest once. Their claims all carry
            # this ``now``, which is before any of them composes, so no window loses entries.
            shared = SharedCompositions()
            # Taken before the read: a delivery that ends while the read is on its way has
            # moved its row on, but the read may still see it due (its snapshot, or its second
            # query, began first) after the delivery has left ``_running``; running it again
            # would compose that server twice and spend a claim.
            busy = set(self._running)
            due = await self._servers.due_schedules(now, self._batch, self._shards, self._floor)
            busy.update(self._running)
            fresh = [item for item in due if _key(item.server) not in busy]
            if not fresh:
                return now, launched
            moved: list[NextRunChange] = []
            for item in fresh:
                if self._stale(item, now):
                    moved.append(_moved_on(item, now))
                    continue
                await self._slots.acquire()
                launched.append(self._launch(item, now, shared))
            await self._servers.advance_next_runs(moved)

    def _stale(self, item: DueSchedule, now: datetime) -> bool:
        due = item.next_run
        if due is None or (self._started is not None and due < self._started):
            return True  # never computed, or catch-up's (see the module docstring)
        if now - due > self._misfire_grace:
            server = item.server
            log.warning(
                "digest %s/%s due %s late; skipped", server.platform, server.server_id, now - due
            )
            return True
        return False

    def _launch(
        self, item: DueSchedule, now: datetime, shared: SharedCompositions
    ) -> asyncio.Task[DeliveryResult | None]:
        key = _key(item.server)
        task = asyncio.create_task(self._deliver(item, now, shared), name=f"digest {key}")
        self._running[key] = task

        def done(_: object) -> None:
            self._running.pop(key, None)
            self._slots.release()

        task.add_done_callback(done)
        return task

    async def _deliver(
        self, item: DueSchedule, now: datetime, shared: SharedCompositions
    ) -> DeliveryResult | None:
        server, due = item.server, item.next_run
        assert due is not None  # stale items are never launched
        result = None
        try:
            day = run_date(server.schedule, due)
            result = await self._delivery.deliver(server, day, now, shared=shared)
        except Exception:  # logged; the next run must still be scheduled
            log.exception("digest %s/%s failed", server.platform, server.server_id)
        try:
            await self._servers.advance_next_runs([_moved_on(item, self._clock.now())])
        except Exception:  # the row stays due: the next pass finds it claimed and moves it on
            log.exception("digest %s/%s: next run not saved", server.platform, server.server_id)
        return result


def _key(server: ServerSchedule) -> Key:
    return server.platform, server.server_id


def _moved_on(item: DueSchedule, now: datetime) -> NextRunChange:
    """The first run after the one due (or after now, if later): one run per local date."""
    server, due = item.server, item.next_run
    after = now if due is None else max(due, now)
    return server.platform, server.server_id, due, next_run(server.schedule, after)
