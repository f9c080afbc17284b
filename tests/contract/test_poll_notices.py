"""Poll-notice port: a poll's new candidates make one batch; each platform claims a batch
once, a crashed claim is found again, and a final status sticks."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.contract.backends import IntakeStores
from tests.contract.conftest import NOW, Reopen, intake_of
from tests.contract.intake_helpers import SameStory, item, later


async def candidates(intake: IntakeStores, *keys: str) -> list[int]:
    return await intake.queue.record_items(
        [item(k, title=f"Title {k}") for k in keys], SameStory(), NOW, None
    )


async def test_a_poll_with_new_candidates_closes_one_batch_of_them(intake: IntakeStores) -> None:
    notices = intake.notices
    assert await notices.close_poll(NOW) is None  # nothing new: nothing to tell
    first = await candidates(intake, "a", "b", "c")
    batch = await notices.close_poll(later(1))
    assert batch is not None
    assert (batch.first_candidate, batch.last_candidate) == (first[0], first[-1])
    assert batch.titles == ("Title a", "Title b", "Title c") and batch.count == 3
    await candidates(intake, *"defg")
    many = await notices.close_poll(later(1))
    assert many is not None and many.count == 4
    assert many.titles == ("Title d", "Title e", "Title f")  # the first few, for the notice
    assert batch.created_at == later(1)
    assert await notices.close_poll(later(2)) is None
    # A crashed poll's candidates (no batch closed) go with the next poll's.
    second = await candidates(intake, "h")
    third = await candidates(intake, "i")
    after = await notices.close_poll(later(3))
    assert after is not None and after.id != batch.id
    assert (after.first_candidate, after.last_candidate) == (second[0], third[0])


async def test_each_platform_claims_a_batch_once(intake: IntakeStores, reopen: Reopen) -> None:
    notices = intake.notices
    await candidates(intake, "a")
    batch = await notices.close_poll(NOW)
    assert batch is not None
    assert [b.id for b in await notices.pending_batches("discord", NOW)] == [batch.id]
    async with reopen() as other:
        won = await asyncio.gather(
            *(
                h.notices.claim(batch.id, "discord", "c1", NOW)
                for h in [intake, intake_of(other)] * 3
            )
        )
    assert sum(won) == 1
    assert await notices.pending_batches("discord", NOW) == []
    assert [b.id for b in await notices.pending_batches("slack", NOW)] == [batch.id]
    assert await notices.status(batch.id, "discord") == ("claimed", None)
    assert await notices.status(batch.id, "slack") is None
    assert await notices.pending_batches("slack", later(1)) == []  # older than asked for


async def test_a_posted_notice_stays_posted(intake: IntakeStores) -> None:
    notices = intake.notices
    await candidates(intake, "a")
    batch = await notices.close_poll(NOW)
    assert batch is not None and await notices.claim(batch.id, "slack", "C1", NOW)
    await notices.mark_posted(batch.id, "slack", "1700000000.0001", later(1))
    await notices.mark_failed(batch.id, "slack", "late writer", later(2))
    await notices.mark_skipped(batch.id, "slack", later(2))
    assert await notices.status(batch.id, "slack") == ("posted", "1700000000.0001")
    assert not await notices.claim(batch.id, "slack", "C1", later(3))
    assert await notices.stale_claims("slack", later(60)) == []


async def test_a_claim_left_by_a_dead_sender_is_taken_over_once(
    intake: IntakeStores, reopen: Reopen
) -> None:
    notices = intake.notices
    await candidates(intake, "a", "b")
    batch = await notices.close_poll(NOW)
    assert batch is not None and await notices.claim(batch.id, "discord", "c1", NOW)
    started = later(5)
    assert await notices.stale_claims("discord", NOW) == []  # claimed at NOW: not before it
    [stale] = await notices.stale_claims("discord", started)
    assert stale.id == batch.id and stale.count == 2
    async with reopen() as other:
        taken = await asyncio.gather(
            notices.reclaim_stale(batch.id, "discord", started, later(6)),
            intake_of(other).notices.reclaim_stale(batch.id, "discord", started, later(6)),
        )
    assert sorted(taken) == [False, True]
    assert await notices.stale_claims("discord", started) == []


async def test_a_batch_lists_only_candidates_still_waiting(intake: IntakeStores) -> None:
    first, second = await candidates(intake, "a", "b")
    batch = await intake.notices.close_poll(NOW)
    assert batch is not None
    await intake.queue.decide(first, "reject", "ana", later(1), reason="old news")
    [pending] = await intake.notices.pending_batches("memory", NOW)
    assert pending.titles == ("Title b",)
    await intake.queue.decide(second, "later", "ana", later(2))  # still waiting
    [pending] = await intake.notices.pending_batches("memory", NOW)
    assert pending.count == 1
    assert await intake.notices.pending_batches("memory", NOW + timedelta(days=1)) == []
