"""Fixtures for the core tests: a real SQLite file per test, a fixed clock, valid input."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.domain.vocabulary import Vocabulary
from bot.service import BriefingService
from bot.storage.database import Database, open_database
from bot.storage.entries import EntryStore

REPO = Path(__file__).resolve().parents[2]
BRIEFS = REPO / "briefs"
NIS_SLUG = "nis-confirms-north-korean-special-forces-in-russia"
HUR_SLUG = "ukraine-hur-corroborates-north-korean-deployment"
NOW = datetime(2024, 10, 22, 9, 0, tzinfo=UTC)


def raw_entry(**overrides: Any) -> dict[str, Any]:
    """Valid entry input as a brief file gives it (typed YAML values); override any field."""
    raw: dict[str, Any] = {
        "slug": "nk-troops-seen-in-kursk",
        "title": "North Korean troops seen in Kursk",
        "summary": "Ukrainian intelligence says North Korean units reached the Kursk region.",
        "event_date": "2024-10-20",
        "topics": ["deployment"],
        "actors": ["north-korea", "russia"],
        "status": "reported",
        "importance": 2,
        "sources": [{"name": "Kyiv Post", "url": "https://www.kyivpost.com/"}],
    }
    raw.update(overrides)
    return raw


@pytest.fixture
def make_raw() -> Callable[..., dict[str, Any]]:
    return raw_entry


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = await open_database(tmp_path / "briefbot.sqlite3")
    try:
        yield db
    finally:
        await db.close()


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


def lingering_threads(wait: float = 2.0) -> list[threading.Thread]:
    """Non-daemon threads still alive (an unclosed aiosqlite connection hangs exit)."""
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    for thread in others:
        if not thread.daemon:
            thread.join(wait)
    return [t for t in others if not t.daemon and t.is_alive()]
