"""``briefbot db copy``: an operator moves the bot's database from SQLite to PostgreSQL and
back; every table arrives row for row, and a copy never lands on top of existing data."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.backends import Storage, opened_storage
from bot.domain.corrections import substantive_changes
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.ledger import NoticeKey
from bot.storage.database import open_database
from bot.storage.intake_feeds import FeedStore
from bot.storage.intake_notices import PollNoticeStore
from bot.storage.leases import LeaseStore
from bot.storage.search_index import folder_for
from bot.storage.url import parse_database_url, sqlite_url
from tests.factories import entry_content, shipped_briefs
from tests.pg_cluster import Cluster, new_database

from .conftest import Cli

NOW = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
DAY = date(2026, 3, 1)


async def populate(storage: Storage) -> None:
    """Something in every table: entries with revisions, a correction, a deletion, server
    settings, digests in several states, the entries they carried, notices, app state."""
    entries = storage.entries
    await entries.import_many(shipped_briefs(), "briefs/ files", NOW)
    added = await entries.add(entry_content(), "ana", NOW + timedelta(minutes=1))
    servers = storage.servers()
    schedule = DigestSchedule("c1", time(8, 0), "Asia/Seoul", ("deployment",))
    await servers.set_schedule("discord", "s1", schedule, NOW)
    await servers.add_editor_role("slack", "T1", "U-editors", NOW)
    ledger = storage.ledger()
    assert await ledger.claim("discord", "s1", DAY, "c1", NOW)
    await storage.corrections().record_digest_entries("discord", "s1", DAY, [added.id, 1])
    assert await ledger.mark_posted("discord", "s1", DAY, "m1", NOW, NOW + timedelta(hours=1))
    assert await ledger.claim("discord", "s2", DAY, "c2", NOW)
    assert await ledger.mark_failed("discord", "s2", DAY, "403 Missing Access", NOW)
    assert await ledger.mark_missed("slack", "T1", DAY, None, "bot was down", NOW)
    corrected = entry_content(status="confirmed", summary="Now confirmed by two sources.")
    await entries.edit(added.slug, corrected, "ben", NOW, correction=substantive_changes)
    notice = NoticeKey("discord", "s1", "c1", added.id, 2)
    assert await storage.corrections().claim(notice, NOW)
    await entries.set_deleted(shipped_briefs()[0].slug, True, "ana", NOW)
    await storage.app_state.set("commands-hash", "abc123")


async def sqlite_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of a SQLite file (search index and its outbox aside: each database fills
    its own from its own writes), rows in a stable order."""
    database = await open_database(path, migrate=False)
    try:
        names = await database.read.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'entries_fts%'"
            " AND name <> 'search_outbox'"
        )
        tables = {}
        for (name,) in names:
            rows = await database.read.execute_fetchall(f"SELECT * FROM {name}")
            tables[name] = sorted((tuple(row) for row in rows), key=repr)
        return tables
    finally:
        await database.close()


async def postgres_tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of a PostgreSQL database as the driver reads it (dates, datetimes)."""
    connection = await asyncpg.connect(url)
    try:
        names = await connection.fetch(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_name <> 'schema_version'"
        )
        tables = {}
        for (name,) in names:
            rows = await connection.fetch(f"SELECT * FROM {name}")
            tables[name] = sorted((tuple(row) for row in rows), key=repr)
        return tables
    finally:
        await connection.close()


async def fill_sqlite(path: Path) -> None:
    async with opened_storage(sqlite_url(path)) as storage:
        await populate(storage)
        assert storage.sqlite is not None
        feed = await FeedStore(storage.sqlite).add("https://example.org/feed", "Ex", 30, NOW)
        # The review queue as intake leaves it (its stores run on SQLite only so far).
        async with storage.sqlite.write() as connection:
            await connection.execute(
                "INSERT INTO intake_candidates (id, title, signature, queued_at, created_at)"
                " VALUES (1, 'Troops seen', ?, ?, ?)",
                (bytes(range(256)), NOW.isoformat(), NOW.isoformat()),
            )
            await connection.execute(
                "INSERT INTO intake_items (key, feed_id, outlet, title, draft, candidate_id,"
                " fetched_at) VALUES ('guid-1', ?, 'Ex', 'Troops seen', '{}', 1, ?)",
                (feed.id, NOW.isoformat()),
            )
            await connection.execute(
                "INSERT INTO intake_decisions (candidate_id, action, actor, at)"
                " VALUES (1, 'later', 'ana', ?)",
                (NOW.isoformat(),),
            )
        # The poll's notice, claimed by one platform, and the poller's lease.
        notices = PollNoticeStore(storage.sqlite)
        batch = await notices.close_poll(NOW)
        assert batch is not None and await notices.claim(batch.id, "discord", "c1", NOW)
        await LeaseStore(storage.sqlite).acquire(
            "intake-poller", "host:1", NOW, timedelta(minutes=2)
        )


def test_sqlite_to_postgresql_and_back_keeps_every_row(
    cli: Cli, tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "data" / "briefbot.sqlite3"  # the configured database (BRIEFBOT_DB)
    asyncio.run(fill_sqlite(source))
    back = tmp_path / "back.sqlite3"

    code, out, err = cli("db", "copy", "--to", postgres_url)
    assert code == 0, err
    assert out.startswith("Copied ") and "tables from sqlite:///" in out
    assert "  entries: 11 rows" in err and "  revisions: 13 rows" in err
    code, out, err = cli("db", "copy", "--from", postgres_url, "--to", f"sqlite:///{back}")
    assert code == 0, err

    original = asyncio.run(sqlite_tables(source))
    assert asyncio.run(sqlite_tables(back)) == original
    assert all(original.values()), "every table holds rows to compare"
    on_postgres = asyncio.run(postgres_tables(postgres_url))
    assert {t: len(rows) for t, rows in on_postgres.items()} == {
        t: len(rows) for t, rows in original.items()
    }


def test_postgresql_to_sqlite_and_back_keeps_every_row(
    cli: Cli,
    tmp_path: Path,
    postgres_url: str,
    postgres_cluster: Cluster,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def fill() -> None:
        async with opened_storage(parse_database_url(postgres_url)) as storage:
            await populate(storage)

    asyncio.run(fill())
    middle = tmp_path / "moved.sqlite3"
    again = postgres_cluster.url(new_database(postgres_cluster))

    assert cli("db", "copy", "--from", postgres_url, "--to", f"sqlite:///{middle}")[0] == 0
    code, _, err = cli("db", "copy", "--from", f"sqlite:///{middle}", "--to", again)
    assert code == 0, err

    assert asyncio.run(postgres_tables(again)) == asyncio.run(postgres_tables(postgres_url))
    # The moved database works: the bot reads it like any other.
    monkeypatch.setenv("BRIEFBOT_DATABASE_URL", f"sqlite:///{middle}")
    code, out, _ = cli("show", "nk-troops-seen-in-kursk")
    assert code == 0
    assert "[CONFIRMED]" in out
    # ... and searches it: its top-k index is built from the copied entries (the outbox and
    # the index never travel), so a search finds what the source's search finds.
    code, out, err = cli("search", "kursk")
    assert code == 0, err
    assert "nk-troops-seen-in-kursk" in out
    assert folder_for(middle).is_dir()
    code, out, _ = cli("db", "reindex")
    assert code == 0 and out.startswith("Search index rebuilt from the database: ")
    assert "nk-troops-seen-in-kursk" in cli("search", "kursk")[1]


@pytest.mark.parametrize("into", ["postgres", "sqlite"])
def test_a_copy_into_a_database_that_holds_data_is_refused_and_changes_nothing(
    cli: Cli, tmp_path: Path, postgres_url: str, into: str
) -> None:
    asyncio.run(fill_sqlite(tmp_path / "data" / "briefbot.sqlite3"))
    assert cli("db", "copy", "--to", postgres_url)[0] == 0
    before = asyncio.run(postgres_tables(postgres_url))
    existing = tmp_path / "data" / "briefbot.sqlite3"
    target = postgres_url if into == "postgres" else f"sqlite:///{existing}"
    source = ["--from", postgres_url] if into == "sqlite" else []

    code, out, err = cli("db", "copy", *source, "--to", target)

    assert code == 1
    assert out == ""
    assert len(err.splitlines()) == 1
    assert "copy into a new" in err or "copy only into a new, empty database" in err
    assert asyncio.run(postgres_tables(postgres_url)) == before


def test_a_long_copy_reports_its_progress_on_the_way(
    cli: Cli, tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(fill_sqlite(tmp_path / "data" / "briefbot.sqlite3"))
    # A million entries stand in: batches of 4 rows, a line every 4.
    monkeypatch.setattr("bot.storage.transfer_sides.BATCH", 4)
    monkeypatch.setattr("bot.cli_copy.BATCH", 4)
    monkeypatch.setattr("bot.cli_copy.PROGRESS_EVERY", 4)

    code, _, err = cli("db", "copy", "--to", postgres_url)

    assert code == 0, err
    lines = [line.strip() for line in err.splitlines() if line.strip().startswith("entries:")]
    assert lines == ["entries: 4 of 11 rows…", "entries: 8 of 11 rows…", "entries: 11 rows"]
