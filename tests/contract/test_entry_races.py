"""Entry writes from two processes at once: nothing is lost, nothing is doubled."""

from __future__ import annotations

import asyncio

import pytest

from bot.domain.errors import DuplicateSlug, StaleRevision
from tests.contract.backends import Backend
from tests.contract.conftest import NOW, Reopen
from tests.factories import entry_content

SLUG = "nk-troops-seen-in-kursk"


async def test_two_editors_saving_the_same_revision_at_once_one_wins(
    backend: Backend, reopen: Reopen
) -> None:
    await backend.entries.add(entry_content(), "ana", NOW)
    async with reopen() as other:
        results = await asyncio.gather(
            backend.entries.edit(SLUG, entry_content(importance=3), "ana", NOW, 1),
            other.entries.edit(SLUG, entry_content(importance=1), "ben", NOW, 1),
            return_exceptions=True,
        )

    [stale] = [r for r in results if isinstance(r, BaseException)]
    assert isinstance(stale, StaleRevision)
    current = await backend.entries.get(SLUG)
    assert current.revision == 2
    assert len(await backend.entries.history(SLUG)) == 2


async def test_two_imports_at_once_store_every_entry_once_with_its_own_id(
    backend: Backend, reopen: Reopen
) -> None:
    first = [entry_content(slug=f"first-{n}", title=f"First {n}") for n in range(30)]
    second = [entry_content(slug=f"second-{n}", title=f"Second {n}") for n in range(30)]
    async with reopen() as other:
        await asyncio.gather(
            backend.entries.import_many(first, "ana", NOW),
            other.entries.import_many(second, "ben", NOW),
        )

    stored = await backend.entries.all()
    assert len(stored) == 60
    assert len({entry.id for entry in stored}) == 60
    for entry in stored:
        assert [r.revision for r in await backend.entries.history(entry.slug)] == [1]


async def test_the_same_new_slug_from_two_processes_is_stored_once(
    backend: Backend, reopen: Reopen
) -> None:
    async with reopen() as other:
        results = await asyncio.gather(
            backend.entries.add(entry_content(), "ana", NOW),
            other.entries.add(entry_content(), "ben", NOW),
            return_exceptions=True,
        )

    assert sorted(type(r).__name__ for r in results) == ["DuplicateSlug", "Entry"]
    assert await backend.entries.count() == 1
    with pytest.raises(DuplicateSlug):
        await backend.entries.add(entry_content(), "cy", NOW)
