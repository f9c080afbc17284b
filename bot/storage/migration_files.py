"""Numbered migrations, one folder per dialect: ``0001_entries.sql``, ``0002_search.sql``, …

Each dialect's folder holds the same numbers with the same meaning (0003 is "servers and
digests" on SQLite and on PostgreSQL), so a schema version names the same tables on both and
``briefbot db copy`` can move a database between them. Each backend applies the files in its
own transactions; finding and ordering them is shared here.
"""

from __future__ import annotations

import re
from importlib import resources

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

Migration = tuple[int, str, str]  # (version, file name, sql)


def numbered_migrations(package: str) -> list[Migration]:
    """The migrations in ``package``'s ``migrations`` folder, in order, numbered 1, 2, 3, …"""
    found = []
    for item in resources.files(package).joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(item.name)
        if match:
            found.append((int(match.group(1)), item.name, item.read_text(encoding="utf-8")))
    found.sort()
    for expected, (version, name, _) in enumerate(found, start=1):
        if version != expected:
            raise RuntimeError(f"migration {name} is out of sequence (expected {expected:04d})")
    return found
