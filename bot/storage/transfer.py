"""``briefbot db copy``: every table of one database into a new, empty one, SQLite or
PostgreSQL either way round, in one transaction on the target (all or nothing).

Both ends are opened (and so migrated) by the same program, so they hold the same tables.
Tables are copied parents first (read from the target's foreign keys), so every row's
parent is there when it arrives. ``figure_subjects`` is
derived (the target's triggers fill it while figures are copied): it is then replaced by the
source's rows, so the copy is exact. Generated columns (a search index) are never copied; the
target computes them.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.errors import InvalidInput
from bot.storage.transfer_sides import PgSide, SqliteSide

Side = SqliteSide | PgSide
# (table, rows copied so far, rows in the table)
CopyProgress = Callable[[str, int, int], None]

DERIVED = ("figure_subjects",)


async def copy_database(
    source: Side, target: Side, progress: CopyProgress | None = None
) -> dict[str, int]:
    """Copy every table of ``source`` into the empty ``target``; rows copied per table.

    Raises :class:`InvalidInput` (nothing written) when the target already holds data or
    lacks a table or column the source has rows in.
    """
    tables = await _plan(source, target)
    copied: dict[str, int] = {}
    async with source.snapshot(), target.writing():
        for table in tables:
            if table in DERIVED:
                await target.clear(table)
            columns = await source.columns(table)
            total = await source.count(table)
            done = 0
            async for batch in source.batches(table, columns):
                await target.insert(table, columns, batch)
                done += len(batch)
                if progress is not None:
                    progress(table, done, total)
            if progress is not None and total == 0:
                progress(table, 0, 0)
            copied[table] = done
        await target.finish()
    return copied


async def _plan(source: Side, target: Side) -> list[str]:
    """The tables to copy, parents first; refuses a non-empty or mismatched target."""
    source_tables = set(await source.tables())
    target_tables = set(await target.tables())
    holding = {t: n for t in sorted(target_tables) if (n := await target.count(t))}
    if holding:
        counts = ", ".join(f"{t}: {n:,}" for t, n in list(holding.items())[:4])
        raise InvalidInput(
            f"{target.name} already holds data ({counts}); copy only into a new, empty database"
        )
    for table in sorted(source_tables):
        missing = set(await source.columns(table)) - set(
            await target.columns(table) if table in target_tables else ()
        )
        if missing and await source.count(table):
            raise InvalidInput(
                f"{target.name} has no {table} ({', '.join(sorted(missing))}); "
                "upgrade the program that wrote it, then copy again"
            )
    copied = sorted(source_tables - set(DERIVED))
    parents = {t: await target.references(t) & set(copied) - {t} for t in copied}
    return [*_parents_first(parents), *(t for t in DERIVED if t in source_tables)]


def _parents_first(parents: dict[str, set[str]]) -> list[str]:
    """The tables ordered so that each comes after the tables it refers to (by name where
    free to choose, so the order is the same every time)."""
    ordered: list[str] = []
    placed: set[str] = set()
    while len(ordered) < len(parents):
        ready = [t for t in sorted(parents) if t not in placed and parents[t] <= placed]
        if not ready:  # a cycle of foreign keys: no order satisfies it row by row
            raise InvalidInput("the tables refer to each other in a cycle; cannot copy")
        ordered.append(ready[0])
        placed.add(ready[0])
    return ordered
