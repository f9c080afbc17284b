"""Without a token, `briefbot run` is a console: the same commands typed on stdin."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.reliability.support import briefbot


def console(tmp_path: Path, typed: str) -> subprocess.CompletedProcess[str]:
    """``briefbot run`` without a token, ``typed`` on its standard input, from an empty folder
    (no .env from the checkout)."""
    return briefbot("run", db=tmp_path / "console.sqlite3", cwd=tmp_path, timeout=30, typed=typed)


def test_console_answers_typed_commands(tmp_path: Path) -> None:
    done = console(tmp_path, "/brief search commandos\n/brief figures\n/brief show nope\nquit\n")

    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "console mode (no DISCORD_TOKEN set)" in out
    assert "set DISCORD_TOKEN" in out, "the banner says how to connect to Discord"
    after_search = out.split("> ", 1)[1]
    assert "commandos" in after_search.lower()
    assert "nis-confirms-north-korean-special-forces-in-russia" in after_search
    assert "1,500" in after_search and "as many as 12,000" in after_search
    assert "Error:" in after_search, "an unknown entry is answered, not a crash"
    assert "Traceback" not in done.stderr


def test_console_ends_cleanly_at_end_of_input(tmp_path: Path) -> None:
    done = console(tmp_path, "/brief latest 2\n")
    assert done.returncode == 0, done.stderr
    assert "Yoon reportedly tells NATO's Rutte" in done.stdout


def test_console_digest_preview_of_a_date_lists_that_days_events(tmp_path: Path) -> None:
    done = console(tmp_path, "/digest preview date:2024-06-19\n/digest preview date:June\nquit\n")

    assert done.returncode == 0, done.stderr
    answers = done.stdout.split("> ")
    assert answers[1].startswith("What happened on Wednesday 19 June 2024")
    assert "Seoul condemns the June 2024 North Korea-Russia military agreement" in answers[1]
    assert "(19 Jun 2024, date from public record)" in answers[1]
    assert answers[2].startswith("Error: 'June' is not a date; use YYYY-MM-DD")
