"""Two editors decide one candidate at the same instant from two processes (say, Approve on
Discord and Reject on Slack, or a merge from the CLI): exactly one decision applies, and the
other editor reads what the winner did — with no entry created, no source merged and no
correction owed by the losing side. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from bot.app import App
from bot.intake.wiring import intake_desk
from bot.usecases.intake_cards import AlreadyDecided
from bot.usecases.intake_desk import IntakeDesk
from tests.factories import raw_entry
from tests.intake.server import STORY
from tests.intake.test_background import Process, process  # noqa: F401  (fixture reused)

T = TypeVar("T")
INTO = "nk-troops-seen-in-kursk"


async def queued(desk: IntakeDesk) -> int:
    suggested = await desk.suggest_text("N. Korea sends troops to Russia\n" + STORY, "Yonhap")
    assert suggested.candidate_id is not None
    return suggested.candidate_id


class Race:
    """The worst interleaving, made certain: one editor's entry write (``add`` or ``edit``)
    is reached — every check said "pending" — and waits while the other editor decides."""

    def __init__(self, app: App, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reached, self.decided = asyncio.Event(), asyncio.Event()
        write: Callable[..., Awaitable[Any]] = getattr(app.service, name)

        async def late(*args: Any, **kwargs: Any) -> Any:
            self.reached.set()
            await self.decided.wait()
            return await write(*args, **kwargs)

        monkeypatch.setattr(app.service, name, late)

    async def meanwhile(self, decision: Callable[[], Awaitable[T]]) -> T:
        await self.reached.wait()
        try:
            return await decision()
        finally:
            self.decided.set()


async def test_an_approve_racing_a_reject_creates_nothing(
    process: Process,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with process() as discord, process() as slack:
        desk, other = intake_desk(discord), intake_desk(slack)
        cid = await queued(desk)
        entries = len(await discord.service.entries())
        race = Race(discord, "add", monkeypatch)

        approve, reject = await asyncio.gather(
            desk.approve(cid, "discord:ana"),
            race.meanwhile(lambda: other.reject(cid, "slack:ben", "already covered")),
            return_exceptions=True,
        )

        assert reject is None
        assert isinstance(approve, AlreadyDecided)
        assert str(approve) == f"Candidate {cid} was already rejected; nothing changed."
        assert len(await discord.service.entries()) == entries
        assert await other.pending() == []


async def test_a_merge_racing_a_reject_merges_nothing_and_owes_no_correction(
    process: Process,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with process() as discord, process() as slack:
        desk, other = intake_desk(discord), intake_desk(slack)
        into = await discord.service.add(raw_entry(), "ana")
        # The entry went out in a digest: a merge into it would be a correction.
        day = discord.service.clock.now().date()
        ledger, corrections = discord.storage.ledger(), discord.storage.corrections()
        assert await ledger.claim("discord", "s1", day, "c1", discord.service.clock.now())
        await corrections.record_digest_entries("discord", "s1", day, [into.id])
        assert await ledger.mark_posted("discord", "s1", day, "m1", discord.service.clock.now())
        assert await desk.review.went_out(into.id)
        cid = await queued(desk)
        race = Race(discord, "edit", monkeypatch)

        merge, reject = await asyncio.gather(
            desk.merge(cid, INTO, "discord:ana"),
            race.meanwhile(lambda: other.reject(cid, "slack:ben", "not this story")),
            return_exceptions=True,
        )

        assert reject is None
        assert str(merge) == f"Candidate {cid} was already rejected; nothing changed."
        after = await discord.service.show(INTO)
        assert after.revision == into.revision and after.content == into.content
        assert await corrections.pending() == []


async def test_a_reject_racing_an_approve_is_told_it_was_approved(
    process: Process,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with process() as discord, process() as slack:
        desk, other = intake_desk(discord), intake_desk(slack)
        await discord.service.add(raw_entry(), "ana")
        cid = await queued(desk)
        entries = len(await discord.service.entries())

        # Started together, many times: whichever order the store sees, one decision.
        outcomes = await asyncio.gather(
            desk.approve(cid, "discord:ana"),
            other.reject(cid, "slack:ben", "covered"),
            other.later(cid, "slack:ben"),
            desk.merge(cid, INTO, "discord:cy"),
            return_exceptions=True,
        )
        lost = [str(o) for o in outcomes if isinstance(o, AlreadyDecided)]
        state = (await discord.storage.intake.queue.get(cid)).state
        decisive = [o for o in outcomes[:2] + outcomes[3:] if not isinstance(o, Exception)]
        assert len(decisive) == 1, outcomes
        assert set(lost) <= {f"Candidate {cid} was already {state}; nothing changed."}
        assert len(await discord.service.entries()) == entries + (state == "approved")
