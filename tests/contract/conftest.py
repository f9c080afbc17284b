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


@pytest.fixture
def intake(backend: Backend) -> IntakeStores:
    return backend.intake


# The PostgreSQL search is a placeholder (ILIKE, newest first) until the full-text search of
# branch pg-search replaces bot/storage/postgres/search.py; it then removes this list.
SEARCH_PENDING_ON_POSTGRES = {
    "test_single_word_finds_entry_with_marked_snippet",
    "test_exact_phrase_only_matches_words_together",
    "test_exclusion_removes_matching_entries",
    "test_or_matches_either_word",
    "test_prefix_matches_word_beginnings",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        name = getattr(item, "originalname", item.name)
        if params.get("search") == "postgres" and name in SEARCH_PENDING_ON_POSTGRES:
            item.add_marker(pytest.mark.xfail(reason="PostgreSQL full-text search: pg-search"))
