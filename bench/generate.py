"""Build (once) and cache the synthetic archive database of N entries.

The schema comes from the product's own migrations; rows go in with plain ``sqlite3``
``executemany`` (worker processes build the rows), with the FTS triggers and secondary indexes
dropped during the load and recreated after, then the FTS index is rebuilt in one pass.
The file is cached under ``bench/.cache/`` keyed by N, the schema version and GEN_VERSION.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from bench import synth
from bot.storage.database import LATEST_VERSION, open_database
from bot.storage.search_index import folder_for

GEN_VERSION = 1
CACHE = Path(__file__).resolve().parent / ".cache"


def archive_path(entries: int) -> Path:
    return CACHE / f"archive-{entries}-schema{LATEST_VERSION}-gen{GEN_VERSION}.sqlite3"


async def create_schema(path: Path) -> None:
    """An empty database at ``path`` with every product migration applied."""
    database = await open_database(path)
    await database.close()


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _batch(args: tuple[int, int, int]) -> synth.Batch:
    entries, tags, figures, _ = synth.batch(*args)
    # The archive's revisions table is left empty: no benchmarked path reads it, and at 1M
    # entries it would add ~3 GB and minutes of generation.
    return entries, tags, figures, []


def insert_batch(connection: sqlite3.Connection, rows: synth.Batch) -> None:
    entries, tags, figures, revisions = rows
    connection.executemany(synth.ENTRY_SQL, entries)
    connection.executemany(synth.TAG_SQL, tags)
    connection.executemany(synth.FIGURE_SQL, figures)
    if revisions:
        connection.executemany(synth.REVISION_SQL, revisions)


def ensure_archive(entries: int, say: Callable[[str], None]) -> tuple[Path, float | None]:
    """The cached archive of ``entries`` entries, built if missing; (path, build seconds)."""
    path = archive_path(entries)
    if path.exists():
        return path, None
    CACHE.mkdir(parents=True, exist_ok=True)
    for older in sorted(CACHE.glob(f"archive-{entries}-schema*-gen{GEN_VERSION}.sqlite3")):
        # Same rows, older schema: the product's own migrations bring it up to date.
        say(f"migrating {older.name} to schema {LATEST_VERSION}")
        started = time.perf_counter()
        asyncio.run(create_schema(older))
        older.rename(path)
        index = folder_for(older)
        if index.exists():  # the search index follows its database (it is rebuilt otherwise)
            index.rename(folder_for(path))
        return path, time.perf_counter() - started
    for stale in CACHE.glob(f"archive-{entries}-*.sqlite3*"):
        if stale.is_dir():  # a search index folder
            shutil.rmtree(stale)
        else:
            stale.unlink()
    part = path.with_name(path.name + ".part")
    _remove(part)
    started = time.perf_counter()
    asyncio.run(create_schema(part))
    connection = sqlite3.connect(part, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA cache_size = -512000")
        deferred = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND ("
            " (type = 'trigger' AND tbl_name = 'entries') OR (type = 'index' AND tbl_name IN"
            " ('entries', 'entry_tags', 'figures', 'revisions')))"
        ).fetchall()
        for name, sql in deferred:
            kind = "TRIGGER" if sql.upper().startswith("CREATE TRIGGER") else "INDEX"
            connection.execute(f"DROP {kind} {name}")
        chunks = [
            (start, min(start + synth.CHUNK, entries), entries)
            for start in range(0, entries, synth.CHUNK)
        ]
        done = 0
        with multiprocessing.get_context("fork").Pool(2) as pool:
            for rows in pool.imap(_batch, chunks):
                connection.execute("BEGIN")
                insert_batch(connection, rows)
                connection.execute("COMMIT")
                done += len(rows[0])
                if done % 200_000 < synth.CHUNK:
                    say(f"generated {done:,} / {entries:,} entries")
        say(f"rows in after {time.perf_counter() - started:.0f}s; recreating indexes")
        for _, sql in deferred:
            connection.execute(sql)
        say(f"indexes after {time.perf_counter() - started:.0f}s; rebuilding full-text index")
        connection.execute("INSERT INTO entries_fts (entries_fts) VALUES ('rebuild')")
        say(f"full-text index after {time.perf_counter() - started:.0f}s")
        connection.execute("PRAGMA journal_mode = WAL")
    finally:
        connection.close()
    part.rename(path)
    return path, time.perf_counter() - started
