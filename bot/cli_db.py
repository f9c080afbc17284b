"""``briefbot db migrate|backup|check`` (``db copy`` is :mod:`bot.cli_copy`)."""

from __future__ import annotations

import argparse
import sys

from bot.app import App
from bot.domain.errors import NotConfigured
from bot.storage.maintenance import backup, integrity_problems

EXIT_FAILED = 1


async def cmd_db(app: App, args: argparse.Namespace) -> int:
    storage = app.storage
    if args.db_command == "migrate":
        version = await storage.schema_version()
        where = storage.url.path or storage.url  # a SQLite file by its path, as before
        print(f"Database {where} is at schema {version} (latest {storage.latest_version}).")
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
