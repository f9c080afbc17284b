"""Corrections: an entry that went out in a posted digest is corrected; every channel that
received it gets one notice, exactly once, through the same ledger rules as digests."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.corrections import CorrectionSender, NoticeBell, notice_nonce
from bot.delivery import DeliveryTarget, DigestDelivery
from bot.domain.corrections import EditKind, notice_marker
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.ledger import NoticeKey
from bot.rendering.text import render_entry, render_history
from bot.storage.codec import content_dict
from bot.storage.corrections import CorrectionLedger
from tests.digests.conftest import PLATFORM, TINY_RETRY, RecordingPoster, World, forbidden
from tests.factories import raw_entry

DAY = date(2026, 3, 1)  # the world's clock: 2026-03-01 00:00 UTC, 09:00 in Seoul
SLUG = "nk-troops-seen-in-kursk"


@pytest.fixture
def corrections(world: World) -> CorrectionLedger:
    return CorrectionLedger(world.database)


def sender(world: World, ledger: CorrectionLedger, poster: RecordingPoster) -> CorrectionSender:
    return CorrectionSender(ledger, poster, world.clock, NoticeBell(), retry=TINY_RETRY)


async def posted_digests(world: World, ledger: CorrectionLedger) -> None:
    """Server 1 (#c1) received the entry in its digest; server 2 (#c2, munitions only) did
    not; server 3's digest of the day is still only claimed."""
    await world.service.add(
        raw_entry(figures="up to 12,000 | North Korean troops | Ukrainian sources | unconfirmed"),
        "ana",
    )
    delivery = DigestDelivery(
        world.service,
        world.servers,
        world.ledger,
        world.poster,
        world.clock,
        retry=TINY_RETRY,
        carried=ledger,
    )
    one = await world.add_server("1")
    munitions = DigestSchedule.parse("c2", "08:00", "Asia/Seoul", ("munitions",), "post")
    two = await world.servers.set_schedule(
        PLATFORM, "2", munitions, datetime(2026, 1, 1, tzinfo=UTC)
    )
    for server in (one, two):
        result = await delivery.deliver(server, DAY, world.clock.now())
        assert result.status.value == "posted"
    await world.ledger.claim(PLATFORM, "3", DAY, "c3", world.clock.now())
    await ledger.record_digest_entries(PLATFORM, "3", DAY, [1])


async def correct(world: World, kind: EditKind = EditKind.CORRECTION, **changes: Any) -> None:
    current = await world.service.show(SLUG)
    raw = content_dict(current.content) | changes
    world.clock.moment += timedelta(hours=1)
    await world.service.edit(SLUG, raw, "desk", expected_revision=current.revision, kind=kind)


async def test_a_correction_reaches_each_channel_that_received_the_entry_once(
    world: World, corrections: CorrectionLedger
) -> None:
    await posted_digests(world, corrections)
    poster = RecordingPoster()
    await correct(world, status="denied", figures=[])

    first = await sender(world, corrections, poster).send_pending()
    again = await sender(world, corrections, poster).send_pending()

    assert [(r.key.channel_id, r.status) for r in first] == [("c1", "posted")]
    assert again == []
    (notice,) = poster.notices
    assert notice.target.channel_id == "c1"
    assert notice.notice.heading == "Correction: North Korean troops seen in Kursk"
    assert notice.notice.changes == (
        "status: Reported → Denied",
        "figure removed: up to 12,000 (Ukrainian sources, unconfirmed claim)",
    )
    assert notice.marker == "correction · entry 1 · r2"


async def test_two_senders_at_once_post_each_notice_once(
    world: World, corrections: CorrectionLedger
) -> None:
    await posted_digests(world, corrections)
    await correct(world, status="confirmed")
    poster = RecordingPoster(delay=0.01)

    results = await asyncio.gather(
        *(sender(world, corrections, poster).send_pending() for _ in range(5))
    )

    assert len(poster.notices) == 1
    assert [r.status for batch in results for r in batch].count("posted") == 1


async def test_a_minor_edit_sends_nothing_and_is_not_marked(
    world: World, corrections: CorrectionLedger
) -> None:
    await posted_digests(world, corrections)
    await correct(world, EditKind.MINOR, summary="Ukrainian intelligence says units arrived.")

    assert await corrections.pending() == []
    history = render_history(await world.service.history(SLUG))
    assert "correction" not in history
    assert "Corrected on" not in render_entry(await world.service.show(SLUG))


async def test_show_and_history_say_what_was_corrected(
    world: World, corrections: CorrectionLedger
) -> None:
    await posted_digests(world, corrections)
    await correct(world, status="disputed")

    shown = render_entry(await world.service.show(SLUG))
    history = render_history(await world.service.history(SLUG))

    assert "Corrected on 01 Mar 2026: status: Reported → Disputed" in shown
    assert history.splitlines()[-1] == "    correction: status: Reported → Disputed"


async def test_a_crash_after_the_claim_is_recovered_without_a_second_notice(
    world: World, corrections: CorrectionLedger
) -> None:
    await posted_digests(world, corrections)
    await correct(world, status="confirmed")
    (key,) = await corrections.pending()
    poster = RecordingPoster()
    # A run claimed the notice and died: once after posting it, once before.
    assert await corrections.claim(key, world.clock.now())
    landed = await poster.post_notice(*await _notice_args(corrections, key))
    restarted = world.clock.now() + timedelta(minutes=5)

    recovered = await sender(world, corrections, poster).recover(restarted)

    assert [(r.status, r.message_id) for r in recovered] == [("recovered", landed)]
    assert len(poster.notices) == 1
    await correct(world, status="reported")
    (second,) = await corrections.pending()
    assert await corrections.claim(second, world.clock.now())

    resent = await sender(world, corrections, poster).recover(world.clock.now() + timedelta(1))

    assert [r.status for r in resent] == ["posted"]
    assert len(poster.notices) == 2
    assert await corrections.status(second) == ("posted", "n1")


async def test_a_channel_that_refuses_fails_the_notice_with_the_reason(
    world: World, corrections: CorrectionLedger
) -> None:
    await posted_digests(world, corrections)
    await correct(world, status="confirmed")
    poster = RecordingPoster()
    poster.fail_with(forbidden())

    (result,) = await sender(world, corrections, poster).send_pending()

    assert (result.status, result.reason) == ("failed", "missing permission to send in #briefing")
    assert await sender(world, corrections, poster).send_pending() == []
    assert poster.notices == []


async def _notice_args(ledger: CorrectionLedger, key: NoticeKey) -> tuple[Any, ...]:
    notice = await ledger.notice(key)
    assert notice is not None
    target = DeliveryTarget(key.platform, key.server_id, key.channel_id)
    return target, notice, notice_nonce(key), notice_marker(key.entry_id, key.revision)


async def test_stopping_the_sender_as_a_notice_lands_stops_it(
    world: World, corrections: CorrectionLedger
) -> None:
    """A stop that arrives just as a post completes must not be lost (``asyncio.wait_for``
    on Python 3.11 dropped it, and the sender went on polling forever)."""
    await posted_digests(world, corrections)
    await correct(world, status="confirmed")
    poster = RecordingPoster()
    running = asyncio.create_task(sender(world, corrections, poster).run(world.clock.now()))
    post_notice = poster.post_notice

    async def stopped_as_it_lands(*args: Any) -> str:
        running.cancel()  # the bot is stopping
        return await post_notice(*args)

    poster.post_notice = stopped_as_it_lands  # type: ignore[method-assign]

    done, _ = await asyncio.wait([running], timeout=5)

    assert running in done and running.cancelled()
    assert len(poster.notices) == 1
    # It landed but was not recorded: the next start finds it by its marker.
    assert len(await corrections.stale_claims(world.clock.now() + timedelta(seconds=1))) == 1
    recovered = await sender(world, corrections, poster).recover(
        world.clock.now() + timedelta(seconds=1)
    )
    assert [r.status for r in recovered] == ["recovered"] and len(poster.notices) == 1
