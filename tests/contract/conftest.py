"""The contract suite: every storage port, through its Protocol only, on every backend.

Tests here take ``backend`` (and ``reopen`` for a second handle on the same data) and never
import a backend's classes, so what they assert is what any backend must do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FixedClock
from tests.contract.backends import BACKENDS, Backend, IntakeStores, place_postgres

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)

Reopen = Callable[[], AbstractAsyncContextManager[Backend]]


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture(params=sorted(BACKENDS))
def backend_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def reopen(
    backend_name: str, tmp_path: Path, clock: FixedClock, request: pytest.FixtureRequest
) -> Reopen:
    """Open another handle on the test's storage (another process's view of it)."""
    if backend_name == "postgres":
        place_postgres(tmp_path, request.getfixturevalue("postgres_url"))
    return lambda: BACKENDS[backend_name](tmp_path, clock)


@pytest.fixture
async def backend(reopen: Reopen) -> AsyncIterator[Backend]:
    async with reopen() as opened:
        yield opened


def intake_of(backend: Backend) -> IntakeStores:
    """The backend's intake stores; the test is skipped on a backend that has none yet."""
    if backend.intake is None:
        pytest.skip(f"{backend.name} has no intake stores yet (intake runs on SQLite only)")
    return backend.intake


@pytest.fixture
def intake(backend: Backend) -> IntakeStores:
    return intake_of(backend)
