"""On Slack too, ``/brief figures`` without a subject lists only the most recently reported
subjects and says how many there are in all."""

from __future__ import annotations

from bot.service import OVERVIEW_SUBJECTS
from tests.factories import raw_entry
from tests.slack.conftest import READER, SlackWorld

EXTRA = 15


async def test_figures_without_a_subject_are_bounded_with_a_notice(
    socket_world: SlackWorld,
) -> None:
    world = socket_world
    before = await world.app.service.figures()
    for n in range(EXTRA):
        figure = {
            "display": f"{n + 1},000",
            "counts": f"Rockets of type {n} delivered",
            "claimed_by": "Reuters",
            "status": "reported",
        }
        raw = raw_entry(slug=f"rockets-{n}", event_date=f"2026-11-{n + 1:02d}", figures=[figure])
        await world.app.service.add(raw, "desk")

    answer = await world.command(READER, "figures")

    assert answer.response is not None
    total = before.total_subjects + EXTRA
    notice = (
        f"Showing the {OVERVIEW_SUBJECTS} most recently reported of {total:,} subjects; "
        "pick a subject to see any other."
    )
    assert notice in answer.text
    shown = [n for n in range(EXTRA) if f"Rockets of type {n} delivered" in answer.text]
    assert shown == list(range(EXTRA - OVERVIEW_SUBJECTS, EXTRA))  # the newest ten
    assert "North Korean troops deployed to Russia" not in answer.text
