"""The data version read caches trust: it moves on every commit, from this handle or another."""

from __future__ import annotations

from datetime import timedelta

from tests.contract.backends import Backend
from tests.contract.conftest import NOW, Reopen
from tests.factories import entry_content


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

    assert await backend.entries.data_version() != before
