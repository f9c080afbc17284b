"""Fixtures every suite may use (registered as a pytest plugin in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.storage.database import Database, open_database


@pytest.fixture
def now() -> datetime:
    """Where a test's clock starts; a suite sets its own by overriding this fixture."""
    return datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def clock(now: datetime) -> FixedClock:
    """A clock that moves only when the test moves it (``clock.moment += …``)."""
    return FixedClock(now)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite database in the test's own folder, closed after the test (an
    unclosed aiosqlite connection keeps its thread, and the test run, alive)."""
    db = await open_database(tmp_path / "briefbot.sqlite3")
    try:
        yield db
    finally:
        await db.close()
