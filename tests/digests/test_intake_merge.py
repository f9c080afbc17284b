"""An intake candidate merged into an entry that already went out in a digest is a
correction: the readers who received the entry are told; merged into one that did not, it is
a minor edit."""

from __future__ import annotations

from datetime import date

from bot.delivery import DigestDelivery
from bot.domain.vocabulary import Vocabulary
from bot.intake.cluster import StoryMatcher
from bot.intake.parse import Item
from bot.intake.poller import new_item
from bot.intake.review import ReviewQueue
from bot.rendering.text import render_history
from bot.storage.corrections import CorrectionLedger
from bot.storage.intake_queue import QueueStore, went_out
from tests.digests.conftest import TINY_RETRY, World
from tests.factories import raw_entry
from tests.intake.server import STORY

DAY = date(2026, 3, 1)
SLUG = "nk-troops-seen-in-kursk"


async def _queued(world: World) -> tuple[ReviewQueue, int]:
    queue = QueueStore(world.database)
    item = Item("wire-1", "https://wire.example/1", "NK sends 1,500 troops to Russia", STORY, DAY)
    stored = new_item(item, "Wire", DAY, Vocabulary())
    (candidate,) = await queue.record_items([stored], StoryMatcher(), world.clock.now(), None)

    async def carried(entry_id: int) -> bool:
        return await went_out(world.database, entry_id)

    return ReviewQueue(queue, world.service, world.clock, carried), candidate


async def test_merge_into_an_entry_that_went_out_is_a_correction(world: World) -> None:
    ledger = CorrectionLedger(world.database)
    await world.service.add(raw_entry(), "ana")
    delivery = DigestDelivery(
        world.service, world.servers, world.ledger, world.poster, world.clock,
        retry=TINY_RETRY, carried=ledger,
    )  # fmt: skip
    server = await world.add_server("1")
    assert (await delivery.deliver(server, DAY, world.clock.now())).status.value == "posted"
    review, candidate = await _queued(world)

    merged = await review.merge(candidate, SLUG, "ana")

    assert [s.name for s in merged.content.sources][-1] == "Wire"
    assert any(f.display == "at least 1,500" for f in merged.content.figures)
    history = render_history(await world.service.history(SLUG))
    assert "correction:" in history and "at least 1,500" in history
    assert len(await ledger.pending()) == 1  # one notice owed to the channel that had it


async def test_merge_into_an_entry_nobody_received_is_a_minor_edit(world: World) -> None:
    await world.service.add(raw_entry(), "ana")
    review, candidate = await _queued(world)
    await review.merge(candidate, SLUG, "ana")
    assert "correction:" not in render_history(await world.service.history(SLUG))
    assert await CorrectionLedger(world.database).pending() == []
