"""Fixtures for the core tests: a real SQLite file per test, a fixed clock, valid input."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.clock import FixedClock
from bot.domain.vocabulary import Vocabulary
from bot.service import BriefingService
from bot.storage.database import Database
from bot.storage.entry_store import EntryStore
from tests.factories import raw_entry

REPO = Path(__file__).resolve().parents[2]
BRIEFS = REPO / "briefs"
NIS_SLUG = "nis-confirms-north-korean-special-forces-in-russia"
HUR_SLUG = "ukraine-hur-corroborates-north-korean-deployment"
NOW = datetime(2024, 10, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def make_raw() -> Callable[..., dict[str, Any]]:
    return raw_entry


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def store(database: Database) -> EntryStore:
    return EntryStore(database)


@pytest.fixture
def service(store: EntryStore, clock: FixedClock) -> BriefingService:
    return BriefingService(store, clock, Vocabulary())


@pytest.fixture
def briefs_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped ``briefs/`` files that a test may edit."""
    folder = tmp_path / "briefs"
    folder.mkdir()
    for path in BRIEFS.glob("*.md"):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


Lingering = Callable[[], list[threading.Thread]]


@pytest.fixture
def lingering_threads() -> Lingering:
    """Non-daemon threads started during the test and still alive after a moment (an unclosed
    aiosqlite connection hangs exit). Threads that were there before the test are not its: an
    idle worker pool started by an earlier test in this process (the upload parsers of
    ``bot.brief_uploads`` live as long as the process) is no leak of this test's."""
    before = set(threading.enumerate())

    def lingering(wait: float = 2.0) -> list[threading.Thread]:
        started = [t for t in threading.enumerate() if t not in before and not t.daemon]
        for thread in started:
            thread.join(wait)
        return [t for t in started if t.is_alive()]

    return lingering


class Cli:
    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = self._capsys.readouterr()
        return code, out, err


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A fresh database and the shipped briefs, run from an empty folder (no stray .env)."""
    values = {
        "BRIEFBOT_DB": str(tmp_path / "data" / "briefbot.sqlite3"),
        "BRIEFBOT_BRIEFS_DIR": str(BRIEFS),
        "BRIEFBOT_LOG_LEVEL": "WARNING",
        "BRIEFBOT_TIMEZONE": "Asia/Seoul",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    return values


@pytest.fixture
def cli(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)
