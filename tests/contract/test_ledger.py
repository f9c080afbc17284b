"""Digest ledger port: a date's digest is claimed exactly once and its final status sticks
(moved from tests/digests)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from bot.domain.ledger import LedgerStatus
from tests.contract.backends import Backend
from tests.contract.conftest import NOW, Reopen

PLATFORM = "discord"
DAY = date(2026, 3, 1)


async def test_claim_is_won_once_even_concurrently(backend: Backend) -> None:
    claims = await asyncio.gather(
        *(backend.ledger.claim(PLATFORM, "s1", DAY, "c", NOW) for _ in range(10))
    )
    assert sum(c is not None for c in claims) == 1
    row = await backend.ledger.get(PLATFORM, "s1", DAY)
    assert row is not None and row.status is LedgerStatus.CLAIMED and row.attempts == 1


async def test_two_processes_claiming_at_once_get_one_claim(
    backend: Backend, reopen: Reopen
) -> None:
    async with reopen() as other:
        claims = await asyncio.gather(
            *(handle.ledger.claim(PLATFORM, "s1", DAY, "c", NOW) for handle in (backend, other)),
            *(handle.ledger.claim(PLATFORM, "s1", DAY, "c", NOW) for handle in (other, backend)),
        )
    assert sum(c is not None for c in claims) == 1


async def test_a_claim_is_per_platform_server_and_date(backend: Backend) -> None:
    keys = [(PLATFORM, "s1", DAY), ("slack", "s1", DAY), (PLATFORM, "s2", DAY)]
    keys.append((PLATFORM, "s1", DAY + timedelta(days=1)))
    for platform, server, day in keys:
        claim = await backend.ledger.claim(platform, server, day, "c", NOW)
        assert claim is not None and (claim.platform, claim.server_id, claim.local_date) == (
            platform,
            server,
            day,
        )


@pytest.mark.parametrize(
    "finish",
    ["posted", "failed", "skipped", "missed"],
)
async def test_final_rows_are_never_claimed_again(backend: Backend, finish: str) -> None:
    ledger = backend.ledger
    assert await ledger.claim(PLATFORM, "s1", DAY, "c", NOW)
    if finish == "posted":
        assert await ledger.mark_posted(PLATFORM, "s1", DAY, "m1", NOW)
    elif finish == "failed":
        assert await ledger.mark_failed(PLATFORM, "s1", DAY, "no permission", NOW)
    elif finish == "skipped":
        assert await ledger.mark_skipped(PLATFORM, "s1", DAY, "quiet", NOW)
    else:
        assert await ledger.mark_missed(PLATFORM, "s1", DAY, "c", "late", NOW)
    assert await ledger.claim(PLATFORM, "s1", DAY, "c", NOW) is None
    later = NOW + timedelta(days=1)
    assert await ledger.reclaim_stale(PLATFORM, "s1", DAY, later, later) is None
    # A final status is never overwritten by a late writer.
    assert not await ledger.mark_posted(PLATFORM, "s1", DAY, "m2", NOW)
    assert not await ledger.mark_missed(PLATFORM, "s1", DAY, "c", "late", NOW)
    row = await ledger.get(PLATFORM, "s1", DAY)
    assert row is not None and row.status.value == finish


@pytest.mark.parametrize("finish", ["failed", "missed"])
async def test_only_a_failed_or_missed_date_is_retaken_and_only_once(
    backend: Backend, finish: str
) -> None:
    ledger = backend.ledger
    if finish == "failed":
        await ledger.claim(PLATFORM, "s1", DAY, "c", NOW)
        await ledger.mark_failed(PLATFORM, "s1", DAY, "gone", NOW)
    else:
        assert await ledger.mark_missed(PLATFORM, "s1", DAY, None, "late", NOW)
    later = NOW + timedelta(hours=2)

    retakes = await asyncio.gather(
        ledger.retake(PLATFORM, "s1", DAY, "c2", later),
        ledger.retake(PLATFORM, "s1", DAY, "c2", later),
    )

    won = [r for r in retakes if r is not None]
    assert len(won) == 1 and won[0].channel_id == "c2" and won[0].covers_until == later
    row = await ledger.get(PLATFORM, "s1", DAY)
    assert row is not None and row.status is LedgerStatus.CLAIMED and row.message_id is None


async def test_a_posted_or_live_date_is_not_retaken(backend: Backend) -> None:
    ledger = backend.ledger
    await ledger.claim(PLATFORM, "s1", DAY, "c", NOW)
    assert await ledger.retake(PLATFORM, "s1", DAY, "c", NOW) is None
    await ledger.mark_posted(PLATFORM, "s1", DAY, "m1", NOW)
    assert await ledger.retake(PLATFORM, "s1", DAY, "c", NOW) is None
    assert await ledger.retake(PLATFORM, "s1", DAY + timedelta(days=1), "c", NOW) is None


async def test_reclaim_stale_only_once_and_only_old_claims(backend: Backend) -> None:
    ledger = backend.ledger
    await ledger.claim(PLATFORM, "s1", DAY, "c", NOW)
    assert await ledger.reclaim_stale(PLATFORM, "s1", DAY, NOW, NOW) is None  # live claim
    restart = NOW + timedelta(hours=1)
    assert [r.server_id for r in await ledger.stale_claims(restart)] == ["s1"]
    first, second = await asyncio.gather(
        ledger.reclaim_stale(PLATFORM, "s1", DAY, restart, restart),
        ledger.reclaim_stale(PLATFORM, "s1", DAY, restart, restart),
    )
    claims = [c for c in (first, second) if c is not None]
    assert len(claims) == 1
    assert claims[0].recovered and claims[0].attempts == 2 and claims[0].covers_until == NOW
    assert await ledger.stale_claims(restart) == []


async def test_attempts_status_and_last_posted(backend: Backend) -> None:
    ledger = backend.ledger
    for offset in range(3):
        day = DAY + timedelta(days=offset)
        await ledger.claim(PLATFORM, "s1", day, "c", NOW + timedelta(days=offset))
    assert await ledger.record_attempt_error(PLATFORM, "s1", DAY, "500") == 2
    await ledger.mark_posted(PLATFORM, "s1", DAY, "m1", NOW)
    await ledger.mark_posted(PLATFORM, "s1", DAY + timedelta(days=1), "m2", NOW)
    await ledger.mark_failed(PLATFORM, "s1", DAY + timedelta(days=2), "gone", NOW)
    last = await ledger.last_posted(PLATFORM, "s1")
    assert last is not None and last.message_id == "m2"
    assert last.covers_until == NOW + timedelta(days=1)
    rows = await ledger.status(PLATFORM, "s1")
    assert [r.status for r in rows] == [
        LedgerStatus.FAILED,
        LedgerStatus.POSTED,
        LedgerStatus.POSTED,
    ]
    assert rows[0].last_error == "gone" and rows[2].attempts == 2
    assert await ledger.record_attempt_error(PLATFORM, "s1", DAY, "late") == 0  # not claimed
    found = await ledger.rows_for([(PLATFORM, "s1", DAY), (PLATFORM, "s2", DAY)])
    assert list(found) == [(PLATFORM, "s1", DAY)]
    assert await ledger.rows_for([]) == {}


async def test_a_recomposed_digest_moves_its_window_end(backend: Backend) -> None:
    ledger = backend.ledger
    await ledger.claim(PLATFORM, "s1", DAY, "c", NOW)
    recomposed = NOW + timedelta(minutes=5)

    assert await ledger.mark_posted(PLATFORM, "s1", DAY, "m1", recomposed, recomposed)

    row = await ledger.get(PLATFORM, "s1", DAY)
    assert row is not None and row.covers_until == recomposed and row.finished_at == recomposed
