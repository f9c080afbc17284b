"""Intake feeds port: followed once, polled when due, failures counted then paused, why said."""

from __future__ import annotations

import pytest

from bot.domain.intake_records import DuplicateFeed, FeedNotFound
from tests.contract.backends import IntakeStores
from tests.contract.conftest import NOW
from tests.contract.intake_helpers import SameStory, item, later, outcome

WIRE = "https://wire.example/rss.xml"
DAILY = "https://daily.example/atom.xml"


async def test_a_feed_is_followed_once_and_found_by_id_or_address(intake: IntakeStores) -> None:
    feeds = intake.feeds
    added = await feeds.add(WIRE, "Wire", 30, NOW, include=("korea",), exclude=("sport", "k-pop"))
    assert (added.url, added.name, added.every_minutes) == (WIRE, "Wire", 30)
    assert (added.include, added.exclude) == (("korea",), ("sport", "k-pop"))
    assert not added.paused and added.failures == 0 and added.items_seen == 0
    assert added.etag is None and added.last_success is None and added.next_poll == NOW
    assert await feeds.get(str(added.id)) == added == await feeds.get(WIRE)
    with pytest.raises(DuplicateFeed):
        await feeds.add(WIRE, "Again", 15, NOW)
    with pytest.raises(FeedNotFound):
        await feeds.get("99")
    with pytest.raises(FeedNotFound):
        await feeds.get("https://nowhere.example/")
    daily = await feeds.add(DAILY, "Daily", 15, later(5))
    assert [f.name for f in await feeds.all()] == ["Wire", "Daily"]
    assert daily.id != added.id


async def test_due_feeds_are_those_not_paused_whose_time_came(intake: IntakeStores) -> None:
    feeds = intake.feeds
    wire = await feeds.add(WIRE, "Wire", 15, later(10))
    daily = await feeds.add(DAILY, "Daily", 15, later(5))
    assert await feeds.due(NOW) == []
    assert [f.id for f in await feeds.due(later(10))] == [daily.id, wire.id]  # soonest first
    await feeds.set_paused(str(daily.id), True, "paused by an editor", later(10))
    assert [f.id for f in await feeds.due(later(60))] == [wire.id]


async def test_pause_says_why_and_resume_starts_afresh(intake: IntakeStores) -> None:
    feeds = intake.feeds
    wire = await feeds.add(WIRE, "Wire", 15, NOW)
    await feeds.record_failure(wire.id, "timed out", later(30), pause_after=5)
    paused = await feeds.set_paused(WIRE, True, "paused by an editor", later(1))
    assert paused.paused and paused.pause_reason == "paused by an editor"
    resumed = await feeds.set_paused(str(wire.id), False, "ignored", later(2))
    assert not resumed.paused and resumed.pause_reason is None
    assert resumed.failures == 0 and resumed.next_poll == later(2)


async def test_failures_back_off_then_pause_the_feed_with_the_last_reason(
    intake: IntakeStores,
) -> None:
    feeds = intake.feeds
    wire = await feeds.add(WIRE, "Wire", 15, NOW)
    for n in range(1, 3):
        await feeds.record_failure(wire.id, f"the server answered HTTP 50{n}", later(n * 30), 3)
    failing = await feeds.get(WIRE)
    assert (failing.failures, failing.paused, failing.next_poll) == (2, False, later(60))
    assert failing.last_error == "the server answered HTTP 502"
    await feeds.record_failure(wire.id, "the server answered HTTP 404", later(120), 3)
    paused = await feeds.get(WIRE)
    assert paused.paused and paused.failures == 3
    assert paused.pause_reason == "3 failures in a row; last: the server answered HTTP 404"


async def test_a_successful_poll_records_its_state_and_clears_failures(
    intake: IntakeStores,
) -> None:
    feeds = intake.feeds
    wire = await feeds.add(WIRE, "Wire", 15, NOW)
    await feeds.record_failure(wire.id, "timed out", later(30), 5)
    await intake.queue.record_items(
        [item("a"), item("b")], SameStory(), later(1), outcome(wire.id, problem="malformed feed")
    )
    polled = await feeds.get(WIRE)
    assert (polled.etag, polled.last_modified, polled.body_hash) == (
        "e1",
        "Mon, 02 Mar 2026 08:00:00 GMT",
        "h1",
    )
    assert polled.last_success == later(1) and polled.items_seen == 2 and polled.failures == 0
    assert polled.last_error == "malformed feed" and polled.next_poll == outcome(1).next_poll
    # A 304 (no new validators) keeps the stored ones; only new items count as seen.
    await intake.queue.record_items([item("a")], SameStory(), later(2), outcome(wire.id, etag=None))
    again = await feeds.get(WIRE)
    assert again.etag == "e1" and again.items_seen == 2 and again.last_error is None


async def test_removing_a_feed_keeps_what_it_brought(intake: IntakeStores) -> None:
    feeds = intake.feeds
    wire = await feeds.add(WIRE, "Wire", 15, NOW)
    [candidate] = await intake.queue.record_items([item("a")], SameStory(), NOW, outcome(wire.id))
    removed = await feeds.remove(WIRE)
    assert removed.id == wire.id and await feeds.all() == []
    with pytest.raises(FeedNotFound):
        await feeds.remove(WIRE)
    stored = await intake.queue.get(candidate)
    assert [i.outlet for i in stored.items] == ["Wire"]


async def test_polls_with_nothing_new_are_recorded_together(intake: IntakeStores) -> None:
    feeds = intake.feeds
    wire = await feeds.add(WIRE, "Wire", 15, NOW)
    daily = await feeds.add(DAILY, "Daily", 15, NOW)
    await intake.queue.record_items([item("a")], SameStory(), NOW, outcome(wire.id))
    await feeds.record_failure(daily.id, "timed out", later(30), 5)
    await feeds.record_unchanged(
        [outcome(wire.id, etag=None, problem="malformed feed"), outcome(daily.id, etag='"d2"')],
        later(20),
    )
    polled = {f.name: f for f in await feeds.all()}
    assert polled["Wire"].etag == "e1" and polled["Daily"].etag == '"d2"'
    assert polled["Wire"].items_seen == 1 and polled["Wire"].last_error == "malformed feed"
    assert polled["Daily"].failures == 0 and polled["Daily"].last_error is None
    assert all(f.last_success == later(20) for f in polled.values())
    assert polled["Daily"].next_poll == outcome(daily.id).next_poll
    await feeds.record_unchanged([], later(21))  # nothing to write
