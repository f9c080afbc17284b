"""``briefbot db copy``: every table into a new, empty database, SQLite or PostgreSQL either
way round (loaded only for this command: it brings in asyncpg)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.app import database_url, storage_settings
from bot.backends import opened_storage
from bot.domain.errors import InvalidInput
from bot.settings import Settings
from bot.storage.postgres.database import open_postgres
from bot.storage.transfer import Side, copy_database
from bot.storage.transfer_sides import BATCH, PgSide, SqliteSide
from bot.storage.url import SQLITE, DatabaseUrl, parse_database_url

PROGRESS_EVERY = 100_000


async def cmd_db_copy(settings: Settings, args: argparse.Namespace) -> int:
    """``db copy --to URL [--from URL]``: the configured database (or ``--from``) into a new
    one. Runs without opening the app: the source may not be the configured database."""
    source_url = parse_database_url(args.source) if args.source else database_url(settings)
    target_url = parse_database_url(args.target)
    if source_url.secret == target_url.secret:
        raise InvalidInput("--from and --to name the same database; copy into a new one")
    if target_url.kind == SQLITE and target_url.path is not None and target_url.path.exists():
        raise InvalidInput(f"{target_url.path} already exists; copy into a new file")
    async with (
        _side(source_url, settings, "source") as source,
        _side(target_url, settings, "target") as target,
    ):
        copied = await copy_database(source, target, _progress)
    total = sum(copied.values())
    print(f"Copied {total:,} rows in {len(copied)} tables from {source_url} to {target_url}.")
    return 0


@asynccontextmanager
async def _side(url: DatabaseUrl, settings: Settings, role: str) -> AsyncIterator[Side]:
    """One end of the copy, opened and migrated like the app opens its database."""
    if url.kind == SQLITE:
        async with opened_storage(url, storage_settings(settings)) as storage:
            assert storage.sqlite is not None
            yield SqliteSide(storage.sqlite, f"the {role} {url}")
        return
    database = await open_postgres(url)
    try:
        yield PgSide(database, f"the {role} {url}")
    finally:
        await database.close()


def _progress(table: str, done: int, total: int) -> None:
    # Plain lines (a redrawn bar would garble a log): each table when it completes, and a
    # large one every PROGRESS_EVERY rows on the way (a million entries take minutes).
    if done == total:
        print(f"  {table}: {total:,} rows", file=sys.stderr)
    elif done % PROGRESS_EVERY < BATCH:
        print(f"  {table}: {done:,} of {total:,} rows…", file=sys.stderr)
