"""APScheduler wrapper: one in-memory job per server with a digest schedule.

The database is the source of truth: jobs live in a ``MemoryJobStore`` and are rebuilt
from the server-settings table at every start, so nothing the scheduler forgets (a missed
run, a replaced job) can lose a digest; start-up catch-up and the ledger cover that.

Why a small trigger instead of ``CronTrigger``: measured with APScheduler 3.11, a cron job
for 02:30 America/New_York fires at 07:30 UTC on 2026-03-08 (zoneinfo's fold=0 arithmetic,
half an hour after the clocks jumped), and a cron job for 01:30 fires twice on 2026-11-01
(05:30 and 06:30 UTC). :class:`DigestTrigger` asks the domain's :func:`next_run`, so the
scheduler fires exactly when the documented DST rule says, once per local date, and the
next run it reports is the one ``/digest status`` shows. The ledger would absorb a double
fire anyway.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.job import Job
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from bot.clock import Clock
from bot.delivery import DeliveryResult, DigestDelivery
from bot.domain.digest_schedule import DigestSchedule, next_run, previous_run, run_date
from bot.domain.servers import ServerSchedule
from bot.ports.servers import ServerSchedules

log = logging.getLogger(__name__)

DEFAULT_MISFIRE_GRACE = timedelta(hours=1)


class DigestTrigger(BaseTrigger):  # type: ignore[misc]  # apscheduler 3 ships no types
    """Fires at each due instant of a :class:`DigestSchedule` (see its DST rule)."""

    def __init__(self, schedule: DigestSchedule) -> None:
        self.schedule = schedule

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        """The first due instant after the previous fire (or from ``now`` on a new job)."""
        if previous_fire_time is not None:
            return next_run(self.schedule, previous_fire_time)
        return next_run(self.schedule, now - timedelta(microseconds=1))

    def __str__(self) -> str:
        return f"digest[{self.schedule.time_text} {self.schedule.timezone}]"

    def __repr__(self) -> str:
        return f"<DigestTrigger ({self})>"


def job_id(platform: str, server_id: str) -> str:
    """The scheduler job id of one server's digest."""
    return f"digest:{platform}:{server_id}"


class DigestScheduler:
    """Runs ``delivery.deliver`` for each server at its due instants."""

    def __init__(
        self,
        servers: ServerSchedules,
        delivery: DigestDelivery,
        clock: Clock,
        *,
        misfire_grace: timedelta = DEFAULT_MISFIRE_GRACE,
    ) -> None:
        self._servers = servers
        self._delivery = delivery
        self._clock = clock
        self._misfire_grace = misfire_grace
        self._scheduler = AsyncIOScheduler(
            jobstores={"default": MemoryJobStore()},
            timezone=UTC,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                # The default is 1 s: a loop busy for a second would silently drop a digest.
                "misfire_grace_time": int(misfire_grace.total_seconds()),
            },
        )

    async def start(self) -> int:
        """Rebuild one job per active schedule from the database, then start; returns count."""
        servers = await self._servers.active_schedules()
        for server in servers:
            self.reschedule(server)
        self._scheduler.start()
        log.info("digest scheduler started with %d schedule(s)", len(servers))
        return len(servers)

    def reschedule(self, server: ServerSchedule) -> None:
        """Add or replace the server's job at once (after ``/digest setup``)."""
        self._scheduler.add_job(
            self._fire,
            trigger=DigestTrigger(server.schedule),
            args=(server.platform, server.server_id),
            id=job_id(server.platform, server.server_id),
            name=f"digest {server.platform}/{server.server_id}",
            replace_existing=True,
        )

    def remove(self, platform: str, server_id: str) -> bool:
        """Drop the server's job (after ``/digest off``); False if it had none."""
        job = self._scheduler.get_job(job_id(platform, server_id))
        if job is None:
            return False
        job.remove()
        return True

    def get_jobs(self) -> list[Job]:
        """The scheduled jobs (ids ``digest:<platform>:<server>``)."""
        return list(self._scheduler.get_jobs())

    def next_run_time(self, platform: str, server_id: str) -> datetime | None:
        """When the server's job fires next, or None if it has no job."""
        job = self._scheduler.get_job(job_id(platform, server_id))
        return None if job is None else job.next_run_time

    async def shutdown(self) -> None:
        """Stop without waiting for running jobs (an interrupted claim is recovered later)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            # AsyncIOScheduler shuts down in a loop callback; let it run before returning.
            await asyncio.sleep(0)

    async def _fire(self, platform: str, server_id: str) -> DeliveryResult | None:
        # Re-read the schedule: the table, not the job, decides (a job that outlived
        # /digest off must not post).
        server = await self._servers.get_schedule(platform, server_id)
        if server is None:
            self.remove(platform, server_id)
            return None
        now = self._clock.now()
        due = previous_run(server.schedule, now)
        if now - due > self._misfire_grace:
            log.warning(
                "digest %s/%s fired %s after its time; skipped", platform, server_id, now - due
            )
            return None
        return await self._delivery.deliver(server, run_date(server.schedule, due), now)
