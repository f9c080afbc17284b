"""Helpers for the reliability suite: subprocesses, raw database checks, brief files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.factories import brief_text

ROOT = Path(__file__).resolve().parents[2]
BRIEFBOT = ROOT / ".venv" / "bin" / "briefbot"
PYTHON = ROOT / ".venv" / "bin" / "python"
BRIEFS = ROOT / "briefs"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any DISCORD_/BRIEFBOT_ setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "BRIEFBOT_"))}
    env.update(extra)
    return env


def briefbot(
    *args: str, db: Path, cwd: Path, timeout: float = 120, typed: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the ``briefbot`` console script to completion (no token: never reaches Discord);
    ``typed`` is its standard input, as a person types it (none by default)."""
    return subprocess.run(
        [str(BRIEFBOT), *args],
        env=clean_env(BRIEFBOT_DB=str(db), BRIEFBOT_BRIEFS_DIR=str(BRIEFS), **env),
        cwd=cwd,
        stdin=subprocess.DEVNULL if typed is None else None,
        input=typed,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@contextmanager
def killable(
    argv: list[str], *, env: dict[str, str], cwd: Path = ROOT, stdout: int = subprocess.PIPE
) -> Iterator[subprocess.Popen[str]]:
    """A child process (text pipes, no stdin) for a test that kills it at a chosen point;
    whatever the block does, the child is gone and its pipes closed when it ends."""
    process = subprocess.Popen(
        argv,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def sigkill(process: subprocess.Popen[str]) -> None:
    """Kill ``process`` as a crash or the OOM killer would: no clean-up runs."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def integrity(db: Path) -> str:
    """``PRAGMA integrity_check`` plus the search index's own check, on a fresh connection."""
    with closing_connection(db) as raw:
        result = "\n".join(str(row[0]) for row in raw.execute("PRAGMA integrity_check"))
        try:
            raw.execute("INSERT INTO entries_fts (entries_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as error:
            result += f"\nsearch index: {error}"
        return result


def entry_count(db: Path) -> int:
    with closing_connection(db) as raw:
        return int(raw.execute("SELECT count(*) FROM entries").fetchone()[0])


@contextmanager
def closing_connection(db: Path, timeout: float = 30.0) -> Iterator[sqlite3.Connection]:
    raw = sqlite3.connect(db, timeout=timeout, isolation_level=None)
    try:
        yield raw
    finally:
        raw.close()


def write_briefs(folder: Path, count: int, prefix: str) -> list[str]:
    """``count`` valid brief files in ``folder``; returns their slugs."""
    folder.mkdir(parents=True, exist_ok=True)
    slugs = [f"{prefix}-{i:03d}" for i in range(count)]
    for i, slug in enumerate(slugs):
        (folder / f"{slug}.md").write_text(
            brief_text(
                slug,
                f"Bulk entry {prefix} {i}",
                url=f"https://example.org/{slug}",
                body="Padding. " * 200,
                figure=True,
            ),
            encoding="utf-8",
        )
    return slugs
