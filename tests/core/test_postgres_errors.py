"""Which PostgreSQL failure a person reads as which sentence: the same four SQLite's map to
(full, busy, damaged, unavailable); anything else is a bug, reported with an error id."""

from __future__ import annotations

import asyncpg
import pytest

from bot.domain.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseFull,
    DatabaseUnavailable,
    describe,
)
from bot.storage.postgres.errors import translate

WHERE = "postgresql://briefbot:***@db/briefbot"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (asyncpg.DiskFullError, DatabaseFull),
        (asyncpg.LockNotAvailableError, DatabaseBusy),
        (asyncpg.DeadlockDetectedError, DatabaseBusy),
        (asyncpg.SerializationError, DatabaseBusy),
        (asyncpg.QueryCanceledError, DatabaseBusy),  # the statement timeout
        (asyncpg.OutOfMemoryError, DatabaseBusy),
        (asyncpg.DataCorruptedError, DatabaseDamaged),
        (asyncpg.IndexCorruptedError, DatabaseDamaged),
        (asyncpg.AdminShutdownError, DatabaseUnavailable),
        (asyncpg.TooManyConnectionsError, DatabaseUnavailable),
        (asyncpg.InvalidPasswordError, DatabaseUnavailable),
        (asyncpg.InvalidCatalogNameError, DatabaseUnavailable),  # no such database
    ],
)
def test_failures_people_can_hit_read_as_the_sqlite_ones_do(
    error: type[asyncpg.PostgresError], expected: type[DatabaseUnavailable]
) -> None:
    mapped = translate(error("server text that must not reach chat"), WHERE)

    assert type(mapped) is expected
    assert describe(mapped) == expected.sentence
    assert "server text" not in (describe(mapped) or "")


@pytest.mark.parametrize(
    "error", [asyncpg.UniqueViolationError, asyncpg.ProgramLimitExceededError, ValueError]
)
def test_anything_else_is_not_dressed_up_as_a_database_outage(error: type[Exception]) -> None:
    assert translate(error("x")) is None


def test_an_unreachable_server_names_it_without_the_password() -> None:
    mapped = translate(ConnectionRefusedError(111, "Connect call failed"), WHERE)

    assert isinstance(mapped, DatabaseUnavailable)
    assert str(mapped).startswith(f"{WHERE}: cannot use the database")
