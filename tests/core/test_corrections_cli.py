"""Corrections from the command line: brief files re-imported as a correction."""

from __future__ import annotations

from pathlib import Path

from .conftest import Cli


def test_an_import_marked_as_correction_records_what_changed(cli: Cli, briefs_copy: Path) -> None:
    assert cli("import", str(briefs_copy))[0] == 0
    yoon = briefs_copy / "yoon-rutte-call-south-korea-will-not-stand-idle.md"
    yoon.write_text(yoon.read_text().replace("status: reported", "status: disputed", 1))

    code, out, err = cli("import", "--correction", str(briefs_copy))

    assert (code, out) == (0, "Imported 0 new, 1 updated, 9 unchanged.\n"), err
    history = cli("history", "yoon-rutte-call-south-korea-will-not-stand-idle")[1]
    assert history.splitlines()[-1] == "    correction: status: Reported → Disputed"
    shown = cli("show", "yoon-rutte-call-south-korea-will-not-stand-idle")[1]
    assert "Corrected on " in shown and ": status: Reported → Disputed" in shown
