"""``briefbot db migrate|backup|check|reindex`` (``db copy`` is :mod:`bot.cli_copy`)."""

from __future__ import annotations

import argparse
import sys

from bot.app import App
from bot.domain.errors import NotConfigured
from bot.storage.database import Database
from bot.storage.maintenance import backup, integrity_problems

EXIT_FAILED = 1


async def cmd_db(app: App, args: argparse.Namespace) -> int:
    storage = app.storage
    if args.db_command == "migrate":
        version = await storage.schema_version()
        where = storage.url.path or storage.url  # a SQLite file by its path, as before
        print(f"Database {where} is at schema {version} (latest {storage.latest_version}).")
        if storage.sqlite is not None:  # PostgreSQL searches in the database: no index to build
            await _reindex(storage.sqlite, missing_only=True)
    elif args.db_command == "reindex":
        if storage.sqlite is None:
            print("PostgreSQL search needs no separate index: nothing to rebuild.")
            return 0
        count = await _reindex(storage.sqlite, missing_only=False)
        print(f"Search index rebuilt from the database: {count:,} entries.")
    elif args.db_command == "backup":
        if storage.sqlite is None:
            raise NotConfigured(
                "db backup copies a SQLite file; on PostgreSQL use pg_dump (docs/scaling.md)"
            )
        await backup(storage.sqlite, args.target)
        print(f"Backed up to {args.target}")
    else:
        if storage.sqlite is None:
            raise NotConfigured(
                "db check reads a SQLite file; on PostgreSQL use pg_amcheck (docs/scaling.md)"
            )
        problems = await integrity_problems(storage.sqlite)
        if problems:
            for problem in problems:
                print(problem, file=sys.stderr)
            return EXIT_FAILED
        print("ok")
    return 0


async def _reindex(database: Database, missing_only: bool) -> int | None:
    from bot.storage.search_topk import reindex  # loads the index engine: only when needed

    return await reindex(database, _index_progress, missing_only=missing_only)


def _index_progress(done: int, total: int) -> None:
    print(f"Search index: {done:,} / {total:,} entries", file=sys.stderr, flush=True)
