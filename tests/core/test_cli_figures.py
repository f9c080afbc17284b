"""``briefbot figures`` without a subject prints the most recently reported quantities only,
and says so; with a subject, every claim about it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.service import OVERVIEW_SUBJECTS

from .conftest import Cli

EXTRA = 12


def brief_with_figure(n: int) -> str:
    return f"""---
slug: drones-{n}
title: Drone delivery number {n}
summary: A short summary of drone delivery {n}.
event_date: 2026-10-{n + 1:02d}
topics: [munitions]
actors: [north-korea]
status: reported
importance: 2
sources:
  - name: Example News
    url: https://example.org/{n}
figures:
  - value: {n + 1}00
    counts: Drones of batch {n} delivered
    claimed_by: Example News
    status: reported
---
Body text.
"""


@pytest.mark.usefixtures("env")
def test_figures_without_a_subject_are_bounded_and_say_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cli = Cli(capsys)
    folder = tmp_path / "incoming"
    folder.mkdir()
    for n in range(EXTRA):
        (folder / f"drones-{n}.md").write_text(brief_with_figure(n))
    code, _, err = cli("import", str(folder))
    assert code == 0, err

    code, out, err = cli("figures")

    assert code == 0, err
    assert (
        out.rstrip()
        .splitlines()[-1]
        .startswith(f"Showing the {OVERVIEW_SUBJECTS} most recently reported of ")
    )
    shown = [n for n in range(EXTRA) if f"Drones of batch {n} delivered" in out]
    assert shown == list(range(EXTRA - OVERVIEW_SUBJECTS, EXTRA))

    code, out, err = cli("figures", "--subject", "drones-of-batch-0-delivered")
    assert code == 0, err
    assert "Drones of batch 0 delivered" in out and "Showing the" not in out
