"""Figures ports: claims as entries carry them, and the subjects index, through every change."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.domain.entries import EntryContent
from tests.contract.backends import Backend
from tests.contract.conftest import NOW
from tests.factories import entry_content

TROOPS = "North Korean troops deployed to Russia"
SHELLS = "Artillery shells sent to Russia"
TROOPS_SUBJECT = "north-korean-troops-deployed-to-russia"
SHELLS_SUBJECT = "artillery-shells-sent-to-russia"


def figure(display: str, counts: str, claimed_by: str = "NIS") -> dict[str, Any]:
    return {"display": display, "counts": counts, "claimed_by": claimed_by, "status": "reported"}


def with_figures(slug: str, day: str, *figures: dict[str, Any], **more: Any) -> EntryContent:
    return entry_content(slug=slug, event_date=day, figures=list(figures), **more)


async def test_claims_come_in_event_order_and_by_subject(backend: Backend) -> None:
    entries = backend.entries
    await entries.add(
        with_figures("later", "2024-10-20", figure("up to 12,000", TROOPS, "HUR")), "ana", NOW
    )
    await entries.add(
        with_figures("earlier", "2024-10-18", figure("1,500", TROOPS), figure("1 million", SHELLS)),
        "ana",
        NOW,
    )
    await entries.add(entry_content(slug="no-figures"), "ana", NOW)

    claims = await entries.claims()
    assert [(c.entry_slug, c.figure.subject) for c in claims] == [
        ("earlier", TROOPS_SUBJECT),
        ("earlier", SHELLS_SUBJECT),
        ("later", TROOPS_SUBJECT),
    ]
    troops = await entries.claims([TROOPS_SUBJECT])
    assert [(c.figure.display, c.figure.originator) for c in troops] == [
        ("1,500", "NIS"),
        ("up to 12,000", "HUR"),
    ]
    assert troops[1].entry_title == claims[2].entry_title
    assert str(troops[1].event_date) == "2024-10-20"
    assert await entries.claims([]) == []
    assert await entries.claims(["no-such-subject"]) == []


async def test_recent_subjects_are_those_of_the_newest_entries_with_figures(
    backend: Backend,
) -> None:
    entries = backend.entries
    await entries.add(with_figures("old", "2024-10-01", figure("1 million", SHELLS)), "ana", NOW)
    await entries.add(with_figures("new", "2024-10-20", figure("1,500", TROOPS)), "ana", NOW)

    assert await entries.recent_subjects(1) == [TROOPS_SUBJECT]
    assert set(await entries.recent_subjects(5)) == {TROOPS_SUBJECT, SHELLS_SUBJECT}
    await entries.set_deleted("new", True, "ana", NOW)
    assert await entries.recent_subjects(5) == [SHELLS_SUBJECT]


async def test_the_subjects_index_follows_every_change_to_the_claims(backend: Backend) -> None:
    entries, subjects = backend.entries, backend.entries.subjects
    await entries.add(
        with_figures("first", "2024-10-18", figure("1,500", TROOPS), figure("1 million", SHELLS)),
        "ana",
        NOW,
    )
    second = figure("up to 12,000", "North Korean soldiers in Russia", "HUR")
    second["subject"] = TROOPS_SUBJECT
    await entries.add(with_figures("second", "2024-10-20", second), "ana", NOW)

    # Newest first; a subject is shown in the words of its newest claim.
    assert await subjects.matching("", 10) == [
        (TROOPS_SUBJECT, "North Korean soldiers in Russia"),
        (SHELLS_SUBJECT, SHELLS),
    ]
    assert await subjects.recent(10) == [TROOPS_SUBJECT, SHELLS_SUBJECT]
    assert await subjects.count() == 2
    assert await subjects.matching("SHELL", 10) == [(SHELLS_SUBJECT, SHELLS)]
    assert await subjects.matching("troops-dep", 10) == [
        (TROOPS_SUBJECT, "North Korean soldiers in Russia")
    ]
    assert await subjects.matching("%", 10) == [] and await subjects.recent(1) == [TROOPS_SUBJECT]

    # An edit that drops the shells claim removes the subject; the troops claim stays.
    later = NOW + timedelta(hours=1)
    await entries.edit(
        "first", with_figures("first", "2024-10-18", figure("1,500", TROOPS)), "b", later
    )
    assert await subjects.recent(10) == [TROOPS_SUBJECT]

    # Deleting the newer entry brings back the older wording; restoring it, the newer one.
    await entries.set_deleted("second", True, "ben", later)
    assert await subjects.matching("", 10) == [(TROOPS_SUBJECT, TROOPS)]
    await entries.set_deleted("first", True, "ben", later)
    assert await subjects.count() == 0 and await entries.claims() == []
    await entries.set_deleted("second", False, "ben", later)
    assert await subjects.matching("", 10) == [(TROOPS_SUBJECT, "North Korean soldiers in Russia")]

    # An import counts like any other write.
    await entries.import_many(
        [with_figures("imported", "2024-10-25", figure("300", SHELLS))], "importer", later
    )
    assert await subjects.recent(10) == [SHELLS_SUBJECT, TROOPS_SUBJECT]
