"""Editors' decisions that change an entry (approve, merge) are one transaction with that
change: the first decision of a candidate wins, and one that lost its race writes nothing —
no entry, no new revision, no correction notice — on every backend, across processes."""

from __future__ import annotations

import asyncio

import pytest

from bot.domain.corrections import substantive_changes
from bot.domain.errors import DuplicateSlug
from bot.domain.intake_records import CandidateNotFound, Decision
from tests.contract.backends import Backend
from tests.contract.conftest import NOW, Reopen
from tests.contract.intake_helpers import SameStory, item, later
from tests.contract.test_correction_notices import post_digest
from tests.factories import entry_content

SLUG = "nk-troops-seen-in-kursk"


async def candidate(backend: Backend) -> int:
    [created] = await backend.intake.queue.record_items([item("a")], SameStory(), NOW, None)
    return created


async def test_an_approval_after_a_rejection_creates_no_entry(backend: Backend) -> None:
    cid = await candidate(backend)
    await backend.intake.queue.decide(cid, "reject", "slack-ben", later(1), reason="covered")

    with pytest.raises(CandidateNotFound):
        await backend.entries.add(
            entry_content(), "discord-ana", later(2), Decision(cid, "approve", "discord-ana")
        )
    assert await backend.entries.count() == 0
    assert (await backend.intake.queue.get(cid)).state == "rejected"


async def test_an_approval_records_its_decision_with_the_entry(backend: Backend) -> None:
    cid = await candidate(backend)
    added = await backend.entries.add(
        entry_content(), "ana", later(1), Decision(cid, "approve", "ana")
    )
    assert added.slug == SLUG and (await backend.intake.queue.get(cid)).state == "approved"
    # A slug clash rolls the decision back with the entry: the candidate is still pending.
    other = await candidate_with(backend, "b")
    with pytest.raises(DuplicateSlug):
        await backend.entries.add(entry_content(), "ana", later(2), Decision(other, "approve", "a"))
    assert (await backend.intake.queue.get(other)).state == "pending"


async def candidate_with(backend: Backend, key: str) -> int:
    [created] = await backend.intake.queue.record_items([item(key)], SameStory(), NOW, None)
    return created


async def test_a_merge_after_a_rejection_changes_nothing_and_owes_no_notice(
    backend: Backend,
) -> None:
    added = await backend.entries.add(entry_content(), "ana", NOW)
    await post_digest(backend, "s1", "c1", [added.id])  # a merge into it is a correction
    cid = await candidate(backend)
    await backend.intake.queue.decide(cid, "reject", "ben", later(1), reason="covered")

    with pytest.raises(CandidateNotFound):
        await backend.entries.edit(
            SLUG, entry_content(status="confirmed"), "ana", later(2), added.revision,
            correction=substantive_changes, decision=Decision(cid, "merge", "ana"),
        )  # fmt: skip
    assert (await backend.entries.get(SLUG)).revision == 1
    assert await backend.corrections.pending() == []
    assert (await backend.intake.queue.get(cid)).state == "rejected"


async def test_two_processes_deciding_at_once_one_decision_applies(
    backend: Backend, reopen: Reopen
) -> None:
    """An approval in one process, a rejection in another, many times over: each candidate
    ends approved with its entry, or rejected without one — never both, never neither."""
    ids = [await candidate_with(backend, f"k{n}") for n in range(6)]
    async with reopen() as other:

        async def approve(cid: int) -> bool:
            try:
                await backend.entries.add(
                    entry_content(slug=f"intake-{cid}"), "ana", later(1),
                    Decision(cid, "approve", "ana"),
                )  # fmt: skip
            except CandidateNotFound:
                return False
            return True

        async def reject(cid: int) -> bool:
            try:
                await other.intake.queue.decide(cid, "reject", "ben", later(1), reason="no")
            except CandidateNotFound:
                return False
            return True

        results = await asyncio.gather(*(f(cid) for cid in ids for f in (approve, reject)))
    for n, cid in enumerate(ids):
        approved, rejected = results[2 * n], results[2 * n + 1]
        assert approved != rejected, cid
        state = (await backend.intake.queue.get(cid)).state
        assert state == ("approved" if approved else "rejected")
    slugs = {e.slug for e in await backend.entries.all()}
    assert slugs == {f"intake-{cid}" for cid, won in zip(ids, results[::2], strict=True) if won}
