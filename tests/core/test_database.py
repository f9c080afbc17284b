"""The SQLite file: migrating an old populated database, refusing a file that is not one."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiosqlite
import pytest

from bot.clock import FixedClock
from bot.domain.claims import Qualifier
from bot.domain.entries import Status
from bot.domain.provenance import DateBasis
from bot.domain.vocabulary import Vocabulary
from bot.service import BriefingService
from bot.storage.database import (
    LATEST_VERSION,
    Database,
    DatabaseError,
    apply_migrations,
    open_database,
    schema_version,
)
from bot.storage.entry_store import EntryStore
from bot.storage.maintenance import backup, integrity_problems
from tests.factories import raw_entry

from .conftest import Lingering

OLD_ENTRY = {
    "slug": "old-entry-from-schema-one",
    "title": "Seoul summons the Russian ambassador",
    "summary": "The vice foreign minister called the deployment a grave security threat.",
    "body": "Written before full-text search existed.",
    "event_date": "2024-10-21",
    "status": "confirmed",
    "importance": 2,
    "topics": json.dumps(["diplomacy"]),
    "actors": json.dumps(["south-korea", "russia"]),
    "sources": json.dumps(
        [{"name": "Kyiv Post", "url": "https://www.kyivpost.com/", "published": None}]
    ),
    "figures": "[]",
    "created_by": "legacy",
    "created_at": "2024-10-21T00:00:00.000000+00:00",
    "updated_by": "legacy",
    "updated_at": "2024-10-21T00:00:00.000000+00:00",
}


async def test_populated_schema_one_database_migrates_to_latest(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "old.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as raw:
        assert await apply_migrations(raw, target=1) == 1
        columns = ", ".join(OLD_ENTRY)
        marks = ", ".join("?" for _ in OLD_ENTRY)
        await raw.execute(
            f"INSERT INTO entries ({columns}) VALUES ({marks})", tuple(OLD_ENTRY.values())
        )

    database = await open_database(path)
    try:
        service = BriefingService(EntryStore(database), clock, Vocabulary())
        assert await schema_version(database.read) == LATEST_VERSION
        hits = (await service.search("ambassador")).hits
        assert [hit.entry.slug for hit in hits] == ["old-entry-from-schema-one"]
        assert [
            e.slug for e in (await service.latest(topic="diplomacy")).entries
        ] == []  # no tags in v1 row
        assert (await service.show("old-entry-from-schema-one")).created_by == "legacy"
    finally:
        await database.close()


async def test_opening_a_file_that_is_not_sqlite_is_refused_and_left_alone(
    tmp_path: Path, lingering_threads: Lingering
) -> None:
    path = tmp_path / "notes.sqlite3"
    garbage = b"these are my notes, not a database\n" * 200
    path.write_bytes(garbage)

    with pytest.raises(
        DatabaseError, match=r"notes\.sqlite3: cannot open the database: file is not a database"
    ):
        await open_database(path)

    assert path.read_bytes() == garbage
    assert lingering_threads() == []


async def test_newer_schema_than_the_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as raw:
        await raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")

    with pytest.raises(DatabaseError, match="newer than this program"):
        await open_database(path)


async def test_backup_is_a_consistent_openable_copy(
    service: BriefingService, database: Database, tmp_path: Path
) -> None:
    await service.add(raw_entry(), "ana")
    target = tmp_path / "backups" / "copy.sqlite3"

    await backup(database, target)

    copy = await open_database(target)
    try:
        assert await integrity_problems(copy) == []
        assert await EntryStore(copy).count() == 1
    finally:
        await copy.close()
    with pytest.raises(FileExistsError):
        await backup(database, target)


FIGURE_COLUMNS = ("subject", "value", "display", "counts", "claimed_by", "status")
OLD_FIGURES = [
    {
        "value": 1500.0,
        "display": "at least 1,500",
        "counts": "North Korean troops deployed to Russia",
        "subject": "nk-troops-in-russia",
        "claimed_by": "South Korea's NIS",
        "status": "confirmed",
    },
    {
        "value": 12000.0,
        "display": "up to 12,000",
        "counts": "North Korean troops deployed to Russia",
        "subject": "nk-troops-in-russia",
        "claimed_by": "Ukrainian military sources",
        "status": "unconfirmed",
    },
]


async def test_schema_one_figures_migrate_to_claims_with_their_hedges(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Figures stored before claims had qualifiers and originators read with the hedge their
    display states, in entries, in the tracker and in revisions."""
    path = tmp_path / "old.sqlite3"
    row = OLD_ENTRY | {"figures": json.dumps(OLD_FIGURES)}
    async with aiosqlite.connect(path, isolation_level=None) as raw:
        assert await apply_migrations(raw, target=1) == 1
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        await raw.execute(f"INSERT INTO entries ({columns}) VALUES ({marks})", tuple(row.values()))
        for position, f in enumerate(OLD_FIGURES):
            await raw.execute(
                "INSERT INTO figures (entry_id, position, subject, value, display, counts,"
                " claimed_by, status) VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
                (position, *(f[k] for k in FIGURE_COLUMNS)),
            )
        await raw.execute(
            "INSERT INTO revisions VALUES (1, 1, 'add', 'legacy', ?, '[]', ?)",
            (OLD_ENTRY["created_at"], json.dumps(_as_snapshot(row))),
        )

    database = await open_database(path)
    try:
        service = BriefingService(EntryStore(database), clock, Vocabulary())
        (group,) = (await service.figures("nk-troops-in-russia")).groups
        entry = await service.show(OLD_ENTRY["slug"])
        (revision,) = await service.history(OLD_ENTRY["slug"])
    finally:
        await database.close()

    expected = [
        (Qualifier.AT_LEAST, "South Korea's NIS", Status.CONFIRMED),
        (Qualifier.UP_TO, "Ukrainian military sources", Status.UNCONFIRMED),
    ]
    assert [(c.figure.qualifier, c.figure.originator, c.figure.status) for c in group.claims] == (
        expected
    )
    for figures in (entry.content.figures, revision.content.figures):
        assert [(f.qualifier, f.originator, f.status) for f in figures] == expected
    assert entry.content.event_date_basis is DateBasis.SOURCE


def _as_snapshot(row: dict[str, str | int]) -> dict[str, object]:
    """The revision snapshot schema 1 wrote: the row with its JSON columns decoded."""
    decoded = ("topics", "actors", "sources", "figures")
    return {key: json.loads(str(value)) if key in decoded else value for key, value in row.items()}


async def test_a_write_cancelled_while_it_begins_leaves_no_open_transaction(
    service: BriefingService, database: Database
) -> None:
    """Shutting down cancels tasks mid-write; the BEGIN already on its way to SQLite's thread
    must not leave a transaction open that refuses every later write."""

    async def write() -> None:
        async with database.write():
            pass

    started = asyncio.create_task(write())
    await asyncio.sleep(0)  # the task now waits for its BEGIN IMMEDIATE
    started.cancel()
    with pytest.raises(asyncio.CancelledError):
        await started

    added = await service.add(raw_entry(), "ana")

    assert added.revision == 1
