"""The digest timer through the real bot: set up with /digest setup, posted at its time."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.ledger import LedgerStatus
from tests.discord_digest.conftest import DUE, PLATFORM, DigestWorld, eventually, footer


async def test_a_digest_set_up_a_second_before_its_time_is_posted_by_the_timer(
    dw: DigestWorld,
) -> None:
    dw.clock.moment = DUE - timedelta(seconds=1)
    reply = await dw.setup()  # 20:00 Seoul = DUE
    assert "Next digest: Sunday 29 November 2026, 20:00 KST" in reply.content
    dw.clock.moment = DUE + timedelta(seconds=1)

    await eventually(dw.digests, limit=10, what="the scheduled digest in the channel")

    [digest] = dw.digests()
    assert footer(digest).endswith("digest · 2026-11-29")
    assert await dw.status_of() is LedgerStatus.POSTED
    assert await dw.bot.scheduler.next_run_time(PLATFORM, dw.gid) == DUE + timedelta(days=1)
    assert dw.sends() == 1
