"""Correction-notice port: a correction owes one notice to each channel whose posted digest
carried the entry, and each notice is claimed once and only moves forward."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from bot.domain.corrections import substantive_changes
from bot.domain.ledger import NoticeKey
from tests.contract.backends import Backend
from tests.contract.conftest import NOW, Reopen
from tests.factories import entry_content

SLUG = "nk-troops-seen-in-kursk"
DAY = date(2026, 3, 1)


async def post_digest(backend: Backend, server: str, channel: str, entry_ids: list[int]) -> None:
    assert await backend.ledger.claim("discord", server, DAY, channel, NOW)
    await backend.corrections.record_digest_entries("discord", server, DAY, entry_ids)
    assert await backend.ledger.mark_posted("discord", server, DAY, f"m-{server}", NOW)


async def correct(backend: Backend) -> int:
    """Add the entry, carry it in two servers' digests (one not posted), then correct it."""
    added = await backend.entries.add(entry_content(), "ana", NOW)
    await post_digest(backend, "s1", "c1", [added.id])
    await post_digest(backend, "s2", "c2", [added.id])
    await backend.ledger.claim("discord", "s3", DAY, "c3", NOW)  # never posted
    await backend.corrections.record_digest_entries("discord", "s3", DAY, [added.id])
    corrected = entry_content(status="confirmed")
    await backend.entries.edit(SLUG, corrected, "ben", NOW, correction=substantive_changes)
    return added.id


async def test_a_correction_owes_one_notice_per_channel_that_got_the_entry(
    backend: Backend,
) -> None:
    entry_id = await correct(backend)

    pending = await backend.corrections.pending()
    assert pending == [
        NoticeKey("discord", "s1", "c1", entry_id, 2),
        NoticeKey("discord", "s2", "c2", entry_id, 2),
    ]
    notice = await backend.corrections.notice(pending[0])
    assert notice is not None and notice.slug == SLUG and notice.revision == 2
    assert notice.changes == ("status: Reported → Confirmed",)
    # A minor edit owes nothing.
    await backend.entries.edit(SLUG, entry_content(status="confirmed", importance=3), "b", NOW)
    assert len(await backend.corrections.pending()) == 2


async def test_each_notice_is_claimed_once_and_its_end_sticks(
    backend: Backend, reopen: Reopen
) -> None:
    await correct(backend)
    key = (await backend.corrections.pending())[0]

    async with reopen() as other:
        won = await asyncio.gather(
            backend.corrections.claim(key, NOW), other.corrections.claim(key, NOW)
        )
    assert sorted(won) == [False, True]
    assert key not in await backend.corrections.pending()
    await backend.corrections.mark_posted(key, "n1", NOW)
    await backend.corrections.mark_failed(key, "late writer", NOW)
    assert await backend.corrections.status(key) == ("posted", "n1")
    assert not await backend.corrections.claim(key, NOW)


async def test_a_claim_left_by_a_crash_is_taken_over_once(backend: Backend) -> None:
    await correct(backend)
    key = (await backend.corrections.pending())[0]
    await backend.corrections.claim(key, NOW)
    restart = NOW + timedelta(hours=1)

    assert not await backend.corrections.reclaim_stale(key, NOW, NOW)  # a live claim
    assert await backend.corrections.stale_claims(restart) == [key]
    assert await backend.corrections.reclaim_stale(key, restart, restart)
    assert not await backend.corrections.reclaim_stale(key, restart, restart)
    assert await backend.corrections.stale_claims(restart) == []
    await backend.corrections.mark_failed(key, "no permission", restart)
    assert await backend.corrections.status(key) == ("failed", None)


async def test_intake_knows_an_entry_went_out_only_once_a_digest_carrying_it_was_posted(
    backend: Backend,
) -> None:
    # A merge from the review queue into such an entry is a correction (bot.intake.review).
    added = await backend.entries.add(entry_content(), "ana", NOW)
    await backend.ledger.claim("discord", "s3", DAY, "c3", NOW)  # claimed, never posted
    await backend.corrections.record_digest_entries("discord", "s3", DAY, [added.id])
    assert not await backend.intake.went_out(added.id)

    await post_digest(backend, "s1", "c1", [added.id])

    assert await backend.intake.went_out(added.id)
