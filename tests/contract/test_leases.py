"""Leases port: one holder at a time, even when processes ask at once; a holder that dies
hands over at expiry; only the holder renews or releases."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.contract.backends import IntakeStores
from tests.contract.conftest import NOW, Reopen, intake_of

TTL = timedelta(minutes=2)
LEASE = "intake-poller"


async def test_one_holder_at_a_time(intake: IntakeStores) -> None:
    leases = intake.leases
    assert await leases.holder(LEASE, NOW) is None
    assert await leases.acquire(LEASE, "a", NOW, TTL)
    assert not await leases.acquire(LEASE, "b", NOW + timedelta(seconds=30), TTL)
    assert await leases.holder(LEASE, NOW) == "a"
    assert await leases.acquire(LEASE, "a", NOW + timedelta(seconds=30), TTL)  # its own: kept
    assert await leases.acquire("other-lease", "b", NOW, TTL)  # leases are by name


async def test_processes_asking_at_once_get_one_lease(intake: IntakeStores, reopen: Reopen) -> None:
    async with reopen() as other:
        won = await asyncio.gather(
            *(
                handle.leases.acquire(LEASE, f"p{n}", NOW, TTL)
                for n, handle in enumerate([intake, intake_of(other)] * 5)
            )
        )
    assert sum(won) == 1


async def test_a_holder_that_died_hands_over_at_expiry(
    intake: IntakeStores, reopen: Reopen
) -> None:
    assert await intake.leases.acquire(LEASE, "dead", NOW, TTL)
    async with reopen() as other:
        assert not await intake_of(other).leases.acquire(
            LEASE, "next", NOW + TTL - timedelta(seconds=1), TTL
        )
        assert await intake_of(other).leases.acquire(LEASE, "next", NOW + TTL, TTL)
    assert await intake.leases.holder(LEASE, NOW + TTL) == "next"
    # The old holder, back from a long pause, cannot renew what it lost.
    assert not await intake.leases.renew(LEASE, "dead", NOW + TTL, TTL)


async def test_renewing_keeps_it_and_only_the_holder_renews(intake: IntakeStores) -> None:
    leases = intake.leases
    assert not await leases.renew(LEASE, "a", NOW, TTL)  # nothing to renew
    assert await leases.acquire(LEASE, "a", NOW, TTL)
    assert await leases.renew(LEASE, "a", NOW + timedelta(minutes=1), TTL)
    assert not await leases.renew(LEASE, "b", NOW + timedelta(minutes=1), TTL)
    # Renewed at +1 min for 2 min: still held at +2.5 min.
    assert not await leases.acquire(LEASE, "b", NOW + timedelta(minutes=2, seconds=30), TTL)
    assert await leases.holder(LEASE, NOW + timedelta(minutes=3)) is None


async def test_only_the_holder_releases(intake: IntakeStores) -> None:
    leases = intake.leases
    assert await leases.acquire(LEASE, "a", NOW, TTL)
    await leases.release(LEASE, "b")
    assert await leases.holder(LEASE, NOW) == "a"
    await leases.release(LEASE, "a")
    assert await leases.holder(LEASE, NOW) is None
    assert await leases.acquire(LEASE, "b", NOW, TTL)
