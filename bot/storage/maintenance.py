"""Online backup and integrity checks of the live database."""

from __future__ import annotations

from pathlib import Path

from bot.storage.database import Database


async def backup(database: Database, target: Path) -> None:
    """Write a consistent copy of the live database to ``target`` (``VACUUM INTO``)."""
    # VACUUM INTO refuses an existing file too; checking first gives a clearer message.
    if target.exists():  # noqa: ASYNC240 - one stat before a long write
        raise FileExistsError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    await database.vacuum_into(target)


async def integrity_problems(database: Database) -> list[str]:
    """Problems found by SQLite's integrity check, the foreign keys and the search index."""
    rows = await database.read.execute_fetchall("PRAGMA integrity_check")
    problems = [row[0] for row in rows if row[0] != "ok"]
    rows = await database.read.execute_fetchall("PRAGMA foreign_key_check")
    problems += [f"foreign key: {tuple(row)}" for row in rows]
    try:
        async with database.write() as connection:
            await connection.execute(
                "INSERT INTO entries_fts (entries_fts, rank) VALUES ('integrity-check', 1)"
            )
    except Exception as error:  # the check reports corruption by raising
        problems.append(f"search index: {error}")
    return problems
