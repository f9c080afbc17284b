"""``briefbot run`` polls the feeds in the background: one process at a time, by lease.

Every running bot tries for the lease; the holder polls the due feeds and renews the lease
while it works. A holder that dies stops renewing and, at expiry, another process takes
over. After a poll that found new candidates the platforms' notifiers are rung (processes
that did not poll pick the batch up on their next look).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.domain.errors import Conflict
from bot.ports.intake import IntakeFeeds, Leases

if TYPE_CHECKING:  # the poller pulls in feedparser and numpy: only once there are feeds
    from bot.intake.poller import Poller, PollReport

log = logging.getLogger(__name__)

LEASE = "intake-poller"
TTL = timedelta(minutes=2)
CHECK_S = 30.0


class PollingElsewhere(Conflict):
    """Another process holds the intake lease: it polls, so this one must not."""


def holder_id() -> str:
    """Who holds the lease, as an operator reads it: host, process, and a run-unique tail."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class BackgroundPolling:
    def __init__(
        self,
        poller: Callable[[], AbstractAsyncContextManager[Poller]],
        feeds: IntakeFeeds,
        leases: Leases,
        clock: Clock,
        ring: Callable[[], None],
        *,
        holder: str | None = None,
        ttl: timedelta = TTL,
        check_s: float = CHECK_S,
    ) -> None:
        self._poller, self._feeds, self._leases = poller, feeds, leases
        self._clock, self._ring = clock, ring
        self.holder = holder or holder_id()
        self._ttl, self._check_s = ttl, check_s
        self.rounds = 0  # looks at the feeds, lease or not (for tests)
        self.polled = 0  # polls done by this process

    async def run(self) -> None:
        """Poll whenever this process holds the lease; until cancelled (then release it)."""
        try:
            async with contextlib.AsyncExitStack() as stack:
                poller: Poller | None = None
                while True:
                    try:
                        if await self._feeds.all():
                            if poller is None:
                                poller = await stack.enter_async_context(self._poller())
                            await self.once(poller)
                    except Exception:  # a bad poll must not stop the next one; logged
                        log.exception("background poll failed; trying again later")
                    self.rounds += 1
                    await asyncio.sleep(self._check_s)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._leases.release(LEASE, self.holder))

    async def once(self, poller: Poller) -> PollReport | None:
        """One round: nothing without the lease; else a poll of the due feeds."""
        if not await self._leases.acquire(LEASE, self.holder, self._clock.now(), self._ttl):
            return None
        async with renewing(self._leases, self._clock, self.holder, self._ttl):
            report = await poller.poll()
        self.polled += 1
        if report.feeds:
            log.info(
                "polled %d feed(s), %d failed; %d new candidate(s)",
                report.feeds,
                report.failed,
                len(report.new_candidates),
            )
        if report.batch is not None:
            self._ring()
        return report


@contextlib.asynccontextmanager
async def renewing(
    leases: Leases, clock: Clock, holder: str, ttl: timedelta = TTL
) -> AsyncIterator[None]:
    """Renew the lease while a (long) poll runs, so nobody else starts one meanwhile."""

    async def renew() -> None:
        while True:
            await asyncio.sleep(ttl.total_seconds() / 3)
            if not await leases.renew(LEASE, holder, clock.now(), ttl):
                log.warning("lost the intake lease during a poll (the database was slow?)")
                return

    task = asyncio.create_task(renew(), name="intake-lease")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


class Hold:
    """The lease held by a manual ``briefbot feeds poll``: taken for the whole run, renewed
    throughout (polls and the waits between them), released at the end whatever ends it."""

    def __init__(self, leases: Leases, clock: Clock, holder: str, ttl: timedelta = TTL) -> None:
        self._leases, self._clock, self.holder, self._ttl = leases, clock, holder, ttl

    async def take(self) -> None:
        """Take (or, between polls, keep) the lease; ``PollingElsewhere`` if someone has it."""
        if await self._leases.acquire(LEASE, self.holder, self._clock.now(), self._ttl):
            return
        who = await self._leases.holder(LEASE, self._clock.now())
        held = f" ({who} holds the intake lease)" if who else ""
        raise PollingElsewhere(
            f"the bot (or another feeds poll) is polling the feeds{held}; try again later,"
            " or set BRIEFBOT_INTAKE=0 on the bot"
        )

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[Hold]:
        await self.take()
        try:
            async with renewing(self._leases, self._clock, self.holder, self._ttl):
                yield self
        finally:
            # Shielded: on Ctrl-C the run is being cancelled, and the release must still land.
            with contextlib.suppress(Exception):
                await asyncio.shield(self._leases.release(LEASE, self.holder))
