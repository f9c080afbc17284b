"""The data version read caches trust: it moves on every commit, from this handle or another.

A commit through this handle moves it at once. One through another handle (another process)
may take a moment to be heard: PostgreSQL delivers its NOTIFY just after the commit, so the
contract allows a bounded wait (:data:`DELIVERY_S`); SQLite's moves at once.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.ports.entries import DataVersion
from tests.contract.backends import Backend
from tests.contract.conftest import NOW, Reopen
from tests.factories import entry_content

DELIVERY_S = 5.0  # generous: delivery is one local hop, but the machine may be loaded


async def moves_from(versions: DataVersion, before: int) -> bool:
    """Whether the version moves away from ``before`` within :data:`DELIVERY_S`."""
    for _ in range(int(DELIVERY_S / 0.01)):
        if await versions.data_version() != before:
            return True
        await asyncio.sleep(0.01)
    return False


async def test_reads_leave_the_version_alone(backend: Backend) -> None:
    await backend.entries.add(entry_content(), "ana", NOW)
    before = await backend.entries.data_version()

    await backend.entries.latest(5)
    await backend.entries.count()

    assert await backend.entries.data_version() == before


async def test_every_kind_of_write_moves_the_version(backend: Backend) -> None:
    entries = backend.entries
    seen = [await entries.data_version()]
    await entries.add(entry_content(), "ana", NOW)
    seen.append(await entries.data_version())
    await entries.edit(entry_content().slug, entry_content(importance=3), "ben", NOW)
    seen.append(await entries.data_version())
    await entries.set_deleted(entry_content().slug, True, "ana", NOW + timedelta(hours=1))
    seen.append(await entries.data_version())

    assert len(set(seen)) == len(seen), seen


async def test_a_commit_through_another_handle_moves_the_version(
    backend: Backend, reopen: Reopen
) -> None:
    before = await backend.entries.data_version()

    async with reopen() as other:  # another process's view of the same storage
        await other.entries.add(entry_content(), "ana", NOW)

    assert await moves_from(backend.entries, before)
