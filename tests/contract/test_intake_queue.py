"""Intake queue port: an item is stored once (by its key), grouped into its story's
candidate, decisions are remembered, and raw text goes at retention while identities stay."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.domain.intake_records import CandidateNotFound
from tests.contract.backends import IntakeStores
from tests.contract.conftest import NOW, Reopen, intake_of
from tests.contract.intake_helpers import SameStory, item, later, outcome


async def test_the_same_item_seen_twice_is_one_item(intake: IntakeStores) -> None:
    queue = intake.queue
    feed = await intake.feeds.add("https://wire.example/", "Wire", 15, NOW)
    first = await queue.record_items([item("guid:a"), item("guid:a")], SameStory(), NOW,
                                     outcome(feed.id))  # fmt: skip
    again = await queue.record_items([item("guid:a")], SameStory(), later(15), outcome(feed.id))
    assert len(first) == 1 and again == []
    candidate = await queue.get(first[0])
    assert len(candidate.items) == 1
    assert (await intake.feeds.get(str(feed.id))).items_seen == 1


async def test_known_keys_tells_which_items_need_no_work(intake: IntakeStores) -> None:
    queue = intake.queue
    await queue.record_items([item(f"k{n}") for n in range(600)], SameStory(), NOW, None)
    asked = [f"k{n}" for n in range(0, 1200, 2)] + ["k1", "k1"]
    assert await queue.known_keys(asked) == {f"k{n}" for n in range(0, 600, 2)} | {"k1"}
    assert await queue.known_keys([]) == set()


async def test_reports_of_one_story_are_one_candidate_with_every_source(
    intake: IntakeStores,
) -> None:
    queue = intake.queue
    matcher = SameStory()
    created = await queue.record_items(
        [item("w1", "troops", "Wire", "NK sends troops"), item("x", "other", "Wire")],
        matcher,
        NOW,
        None,
    )
    joined = await queue.record_items(
        [item("d1", "troops", "Daily", "Troops from NK")], matcher, later(5), None
    )
    assert len(created) == 2 and joined == []
    story = await queue.get(created[0])
    assert story.title == "NK sends troops" and story.state == "pending"
    assert [(i.outlet, i.title) for i in story.items] == [
        ("Wire", "NK sends troops"),
        ("Daily", "Troops from NK"),
    ]
    assert story.items[0].draft["figures"] == [{"value": "1,500"}]
    assert story.items[0].url == "https://news.example/w1"
    assert story.items[0].published == "2026-03-01"
    assert [c for c, _ in await queue.signatures(NOW)] == created


async def test_two_processes_storing_the_same_items_store_them_once(
    intake: IntakeStores, reopen: Reopen
) -> None:
    items = [item(f"k{n}") for n in range(20)]
    async with reopen() as other:
        results = await asyncio.gather(
            intake.queue.record_items(items, SameStory(), NOW, None),
            intake_of(other).queue.record_items(items, SameStory(), NOW, None),
        )
    assert sorted(len(r) for r in results) == [0, 20]
    assert len(await intake.queue.pending(100)) == 20


async def test_the_queue_shows_the_longest_waiting_first_and_later_goes_to_the_back(
    intake: IntakeStores,
) -> None:
    queue = intake.queue
    first, second, third = [
        (await queue.record_items([item(k)], SameStory(), later(n), None))[0]
        for n, k in enumerate("abc")
    ]
    assert [c.id for c in await queue.pending()] == [first, second, third]
    await queue.decide(first, "later", "ana", later(10))
    assert [c.id for c in await queue.pending()] == [second, third, first]
    assert [c.id for c in await queue.pending(limit=1)] == [second]
    await queue.decide(second, "approve", "ana", later(11), entry_slug="nk-troops")
    assert [c.id for c in await queue.pending()] == [third, first]
    assert (await queue.get(second)).state == "approved"


async def test_a_decision_is_made_once(intake: IntakeStores) -> None:
    queue = intake.queue
    [candidate] = await queue.record_items([item("a")], SameStory(), NOW, None)
    await queue.decide(candidate, "merge", "ana", later(1), entry_slug="nk-troops")
    with pytest.raises(CandidateNotFound):
        await queue.decide(candidate, "reject", "ben", later(2), reason="late")
    with pytest.raises(CandidateNotFound):
        await queue.decide(9999, "reject", "ben", later(2), reason="none")
    with pytest.raises(CandidateNotFound):
        await queue.get(9999)
    assert (await queue.get(candidate)).state == "merged"


async def test_a_rejected_story_is_remembered_and_its_rewrites_do_not_come_back(
    intake: IntakeStores, reopen: Reopen
) -> None:
    queue = intake.queue
    [rejected] = await queue.record_items([item("a", "troops")], SameStory(), NOW, None)
    await queue.decide(rejected, "reject", "ana", later(1), reason="duplicate of an entry")
    # Another process, later, with the stories of the window: the rewrite joins the rejected.
    async with reopen() as other:
        known = await intake_of(other).queue.signatures(NOW - timedelta(days=30))
        assert known == [(rejected, b"troops")]
        created = await intake_of(other).queue.record_items(
            [item("b", "troops", "Daily")], SameStory(known), later(60), None
        )
    assert created == []
    assert await queue.pending() == []
    story = await queue.get(rejected)
    assert story.state == "rejected" and [i.outlet for i in story.items] == ["Wire", "Daily"]


async def test_signatures_cover_the_window_only(intake: IntakeStores) -> None:
    queue = intake.queue
    [old] = await queue.record_items([item("old")], SameStory(), NOW - timedelta(days=40), None)
    [new] = await queue.record_items([item("new")], SameStory(), NOW, None)
    assert await queue.signatures(NOW - timedelta(days=30)) == [(new, b"new")]
    assert [c for c, _ in await queue.signatures(NOW - timedelta(days=50))] == [old, new]
    assert await queue.signatures(NOW - timedelta(days=50), after=old) == [(new, b"new")]
    assert await queue.signatures(NOW - timedelta(days=50), after=new) == []


async def test_retention_drops_old_raw_text_but_the_item_is_still_recognised(
    intake: IntakeStores,
) -> None:
    queue = intake.queue
    [old] = await queue.record_items([item("old")], SameStory(), NOW - timedelta(days=40), None)
    await queue.record_items([item("new")], SameStory(), NOW, None)
    assert await queue.purge_bodies(NOW - timedelta(days=30)) == 1
    assert await queue.purge_bodies(NOW - timedelta(days=30)) == 0
    assert await queue.known_keys(["old", "new"]) == {"old", "new"}
    # The draft stays for the editor; the same item re-served is not stored again.
    assert (await queue.get(old)).items[0].draft["summary"] == "Lead of old"
    assert await queue.record_items([item("old")], SameStory(), NOW, None) == []
