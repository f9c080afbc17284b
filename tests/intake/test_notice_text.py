"""The newsroom notice's words: how many, a few titles, how to open the queue."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.intake_records import PollBatch, batch_marker, notice_text

AT = datetime(2026, 3, 1, tzinfo=UTC)


def test_one_candidate_is_said_in_the_singular() -> None:
    batch = PollBatch(1, 4, 4, 1, ("NK troops reach Kursk",), AT)
    assert (
        notice_text(batch)
        == "1 new candidate to review: NK troops reach Kursk — /brief-admin queue"
    )


def test_many_candidates_show_three_titles_and_how_many_more() -> None:
    batch = PollBatch(7, 10, 16, 5, ("A", "B", "C"), AT)
    assert notice_text(batch, "/brief queue") == (
        "5 new candidates to review: A; B; C and 2 more — /brief queue"
    )
    assert batch_marker(7) == "intake · poll 7"


def test_a_very_long_headline_is_cut() -> None:
    batch = PollBatch(1, 1, 1, 1, ("x" * 5000,), AT)
    assert len(notice_text(batch)) < 200
