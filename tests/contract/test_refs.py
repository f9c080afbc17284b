"""What a typed reference names, alike on both backends: ASCII digits an id that can exist,
anything else a slug or an address (``show ²`` or a 20-digit number finds nothing, and
``show ١`` is not entry 1)."""

from __future__ import annotations

import pytest

from bot.domain.errors import EntryNotFound
from bot.domain.intake_records import FeedNotFound
from tests.contract.backends import Backend, IntakeStores
from tests.contract.conftest import NOW
from tests.factories import entry_content

NO_ID = ["99999999999999999999", "9223372036854775808", "²", "١", "１"]


@pytest.mark.parametrize("ref", NO_ID)
async def test_a_number_no_entry_can_have_is_not_found(backend: Backend, ref: str) -> None:
    added = await backend.entries.add(entry_content(), "ana", NOW)
    assert added.id == 1

    with pytest.raises(EntryNotFound) as shown:
        await backend.entries.get(ref)
    with pytest.raises(EntryNotFound) as deleted:
        await backend.entries.set_deleted(ref, True, "ana", NOW)
    assert str(shown.value) == str(deleted.value) == f"no entry '{ref}'"
    assert await backend.entries.get("1") == added


@pytest.mark.parametrize("ref", NO_ID)
async def test_a_number_no_feed_can_have_is_not_found(intake: IntakeStores, ref: str) -> None:
    added = await intake.feeds.add("https://wire.example/rss.xml", "Wire", 30, NOW)
    assert added.id == 1

    with pytest.raises(FeedNotFound) as shown:
        await intake.feeds.get(ref)
    with pytest.raises(FeedNotFound) as removed:
        await intake.feeds.remove(ref)
    assert str(shown.value) == str(removed.value) == f"no feed '{ref}' (see briefbot feeds list)"
    assert [feed.id for feed in await intake.feeds.all()] == [1]
