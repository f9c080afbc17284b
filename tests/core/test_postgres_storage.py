"""What only the PostgreSQL backend has to prove: its migrations on a populated database,
processes starting together, and its failures reaching people as the same plain sentences."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import asyncpg
import pytest

from bot.backends import StorageSettings, opened_storage
from bot.domain.errors import DatabaseBusy, EntryNotFound, describe
from bot.storage.postgres.database import LATEST_VERSION, apply_migrations, migrations
from bot.storage.url import parse_database_url
from tests.factories import entry_content
from tests.pg_cluster import Cluster, new_database

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


async def test_migrations_from_the_first_schema_keep_a_populated_archive(
    postgres_cluster: Cluster,
) -> None:
    url = postgres_cluster.url(new_database(postgres_cluster, migrated=False))
    connection = await asyncpg.connect(url)
    try:
        assert await apply_migrations(connection, target=1) == 1
        # An entry with a figure, written as schema 1 stored it (before claims and provenance).
        figure = (
            '{"value": 1500.0, "display": "at least 1,500", "counts": "troops",'
            ' "subject": "nk-troops-in-russia", "claimed_by": "NIS", "status": "reported"}'
        )
        await connection.execute(
            "INSERT INTO entries (id, slug, title, summary, body, event_date, status, importance,"
            " topics, actors, sources, figures, created_by, created_at, updated_by, updated_at)"
            " VALUES (1, 'old-entry', 'Old', 'Summary.', '', '2024-10-18', 'reported', 2,"
            " $1, $2, $3, $4, 'ana', now(), 'ana', now())",
            json.dumps(["deployment"]),
            json.dumps(["north-korea"]),
            json.dumps([{"name": "NIS", "url": "https://www.nis.go.kr/"}]),
            f"[{figure}]",
        )
        await connection.execute(
            "INSERT INTO figures (entry_id, position, subject, value, display, counts,"
            " claimed_by, status) VALUES (1, 0, 'nk-troops-in-russia', 1500, 'at least 1,500',"
            " 'troops', 'NIS', 'reported')"
        )
    finally:
        await connection.close()

    async with opened_storage(parse_database_url(url)) as storage:
        assert await storage.schema_version() == LATEST_VERSION
        entry = await storage.entries.get("old-entry")
        [claim] = await storage.entries.claims()
        subjects = await storage.entries.subjects.recent(5)

    assert entry.content.figures[0].originator == "NIS"
    assert claim.figure.display == "at least 1,500" and claim.entry_slug == "old-entry"
    assert claim.figure.qualifier.value == "at_least"  # read from the old display text
    assert subjects == ["nk-troops-in-russia"]


async def test_processes_starting_together_migrate_once(postgres_cluster: Cluster) -> None:
    url = parse_database_url(postgres_cluster.url(new_database(postgres_cluster, migrated=False)))

    async def start() -> int:
        async with opened_storage(url) as storage:
            return await storage.schema_version()

    assert await asyncio.gather(*(start() for _ in range(4))) == [LATEST_VERSION] * 4


async def test_a_write_stuck_behind_a_lock_is_busy_try_again_and_changes_nothing(
    postgres_url: str,
) -> None:
    settings = StorageSettings(busy_timeout_ms=200)
    async with opened_storage(parse_database_url(postgres_url), settings) as storage:
        blocker = await asyncpg.connect(postgres_url)
        try:
            async with blocker.transaction():
                await blocker.execute("LOCK TABLE entries IN ACCESS EXCLUSIVE MODE")
                with pytest.raises(DatabaseBusy) as raised:
                    await storage.entries.add(entry_content(), "ana", NOW)
        finally:
            await blocker.close()

        assert describe(raised.value) == DatabaseBusy.sentence
        assert await storage.entries.count() == 0


async def test_a_nul_in_a_lookup_finds_nothing_instead_of_failing(postgres_url: str) -> None:
    async with opened_storage(parse_database_url(postgres_url)) as storage:
        await storage.entries.add(entry_content(), "ana", NOW)

        assert await storage.entries.suggest("kur\x00sk") == []
        assert await storage.entries.subjects.matching("\x00", 5) == []
        assert await storage.entries.claims(["\x00"]) == []
        with pytest.raises(EntryNotFound):
            await storage.entries.get("nk-troops\x00")
        assert await storage.entries.count() == 1


async def drop_connections(url: str) -> None:
    """What a server restart or failover does to the bot's pooled connections."""
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()


async def test_after_the_server_drops_every_connection_reads_and_writes_carry_on(
    postgres_url: str,
) -> None:
    settings = StorageSettings(pool_min=3, pool_max=3)
    async with opened_storage(parse_database_url(postgres_url), settings) as storage:
        await asyncio.gather(*(storage.entries.count() for _ in range(3)))  # 3 open
        await storage.entries.add(entry_content(), "ana", NOW)

        await drop_connections(postgres_url)
        assert await storage.entries.count() == 1
        await drop_connections(postgres_url)
        await storage.entries.add(entry_content(slug="second-entry"), "ana", NOW)
        await drop_connections(postgres_url)
        assert (await storage.entries.get("second-entry")).revision == 1

        assert await storage.entries.count() == 2


async def test_a_migration_longer_than_the_statement_timeout_still_completes(
    postgres_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration may rebuild an index over a million entries: the per-request statement
    timeout does not apply to it, and applies again afterwards."""
    url = parse_database_url(postgres_cluster.url(new_database(postgres_cluster, migrated=False)))
    slow = [*migrations(), (LATEST_VERSION + 1, "slow.sql", "SELECT pg_sleep(0.5)")]
    monkeypatch.setattr("bot.storage.postgres.migrate.migrations", lambda: slow)
    monkeypatch.setattr("bot.storage.postgres.migrate.LATEST_VERSION", LATEST_VERSION + 1)
    settings = StorageSettings(statement_timeout_ms=100)

    async with opened_storage(url, settings) as storage:
        assert await storage.schema_version() == LATEST_VERSION + 1
        blocker = await asyncpg.connect(url.secret)
        try:
            async with blocker.transaction():
                await blocker.execute("LOCK TABLE entries IN ACCESS EXCLUSIVE MODE")
                with pytest.raises(DatabaseBusy):
                    await storage.entries.count()  # the 100 ms limit is back
        finally:
            await blocker.close()
