"""Entry reads on PostgreSQL: by slug or id, by date and by tag, suggestions and history.

The same queries as :mod:`bot.storage.entry_reads`, in PostgreSQL's dialect; rows come back
in SQLite's shape (see :mod:`bot.storage.postgres.database`), so the shared codec builds the
entries.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from bot.domain.entries import Entry, Revision
from bot.domain.entry_changes import entry_not_found
from bot.storage.codec import ENTRY_COLUMNS, entry_from_row, prefixed_columns, stamp
from bot.storage.entry_reads import SUGGEST_WINDOW
from bot.storage.entry_rows import revision_from_row, tagged_query
from bot.storage.figures import like_pattern
from bot.storage.postgres.corrections import PgCorrectionLedger
from bot.storage.postgres.database import Connection, PgDatabase
from bot.storage.refs import row_id

# PostgreSQL text cannot hold NUL (and refuses it in a parameter): no stored text contains it.
NUL = "\x00"


class PgEntryReader:
    """Every read of entries and their revisions on PostgreSQL."""

    def __init__(self, database: PgDatabase) -> None:
        self._db = database

    async def get(self, ref: str, include_deleted: bool = False) -> Entry:
        entry = await fetch_one(self._db, ref, include_deleted)
        corrections = await PgCorrectionLedger(self._db).corrections(entry.id)
        return replace(entry, corrections=corrections) if corrections else entry

    async def get_by_id(self, entry_id: int, include_deleted: bool = False) -> Entry:
        return await fetch_one(self._db, str(entry_id), include_deleted)

    async def data_version(self) -> int:
        """Moves on every commit that changes entries, by this process or another (NOTIFY;
        no round trip: see :mod:`bot.storage.postgres.data_version`)."""
        return await self._db.data_version()

    async def count(self) -> int:
        return int(await self._db.fetchval("SELECT count(*) FROM entries WHERE deleted_at IS NULL"))

    async def latest(
        self, limit: int, offset: int = 0, topic: str | None = None, actor: str | None = None
    ) -> list[Entry]:
        if topic or actor:
            tagged, params = _tagged(topic, actor)
            n = len(params)
            sql = (
                f"{tagged} AND e.deleted_at IS NULL"
                f" ORDER BY t.event_date DESC, t.entry_id DESC LIMIT ${n + 1} OFFSET ${n + 2}"
            )
            return await self._entries(sql, *params, limit, offset)
        return await self._entries(
            f"SELECT {ENTRY_COLUMNS} FROM entries WHERE deleted_at IS NULL"
            " ORDER BY event_date DESC, id DESC LIMIT $1 OFFSET $2",
            limit,
            offset,
        )

    async def between(
        self, start: date | None, end: date | None, actor: str | None = None, limit: int = 200
    ) -> list[Entry]:
        low = (start or date.min).isoformat()
        high = (end or date.max).isoformat()
        if actor:
            tagged, params = _tagged(None, actor)
            n = len(params)
            sql = (
                f"{tagged} AND e.deleted_at IS NULL AND t.event_date >= ${n + 1}"
                f" AND t.event_date <= ${n + 2} ORDER BY t.event_date, t.entry_id LIMIT ${n + 3}"
            )
            return await self._entries(sql, *params, low, high, limit)
        return await self._entries(
            f"SELECT {ENTRY_COLUMNS} FROM entries WHERE deleted_at IS NULL"
            " AND event_date >= $1 AND event_date <= $2 ORDER BY event_date, id LIMIT $3",
            low,
            high,
            limit,
        )

    async def recorded_between(self, start: datetime, end: datetime) -> list[Entry]:
        return await self._entries(
            f"SELECT {ENTRY_COLUMNS} FROM entries WHERE deleted_at IS NULL"
            " AND created_at >= $1 AND created_at < $2 ORDER BY created_at, id",
            stamp(start),
            stamp(end),
        )

    async def all(self, include_deleted: bool = False) -> list[Entry]:
        where = "" if include_deleted else "WHERE deleted_at IS NULL"
        return await self._entries(f"SELECT {ENTRY_COLUMNS} FROM entries {where} ORDER BY id")

    async def suggest(self, text: str, limit: int = 25) -> list[tuple[str, str]]:
        """(slug, title) pairs whose title or slug contains ``text``, newest first, among the
        newest SUGGEST_WINDOW entries (as on SQLite)."""
        if NUL in text:
            return []
        pattern = like_pattern(text)
        rows = await self._db.fetch(
            "SELECT slug, title FROM (SELECT slug, title, event_date, id FROM entries"
            " WHERE deleted_at IS NULL ORDER BY event_date DESC, id DESC LIMIT $1) AS recent"
            " WHERE title ILIKE $2 ESCAPE '\\' OR slug ILIKE $2 ESCAPE '\\'"
            " ORDER BY event_date DESC, id DESC LIMIT $3",
            SUGGEST_WINDOW,
            pattern,
            limit,
        )
        return [(row["slug"], row["title"]) for row in rows]

    async def history(self, ref: str) -> list[Revision]:
        entry = await self.get(ref, include_deleted=True)
        rows = await self._db.fetch(
            "SELECT entry_id, revision, action, actor, at, changed_fields, content, correction"
            " FROM revisions WHERE entry_id = $1 ORDER BY revision",
            entry.id,
        )
        return [revision_from_row(row) for row in rows]

    async def _entries(self, sql: str, *params: Any) -> list[Entry]:
        return [entry_from_row(row) for row in await self._db.fetch(sql, *params)]


def _tagged(topic: str | None, actor: str | None) -> tuple[str, tuple[Any, ...]]:
    """``SELECT … FROM entry_tags AS t JOIN entries AS e … WHERE …`` for one or two tags."""
    return tagged_query(
        f"SELECT {prefixed_columns('e.')} FROM entry_tags AS t JOIN entries AS e"
        " ON e.id = t.entry_id WHERE t.kind = $1 AND t.tag = $2",
        " AND EXISTS (SELECT 1 FROM entry_tags AS u WHERE u.kind = $3 AND u.tag = $4"
        " AND u.event_date = t.event_date AND u.entry_id = t.entry_id)",
        topic,
        actor,
    )


async def fetch_one(connection: Connection | PgDatabase, ref: str, include_deleted: bool) -> Entry:
    """The entry with slug or numeric id ``ref`` (deleted ones if asked); ``EntryNotFound``.

    On a transaction's connection inside a write, or on the pool for a plain read (one round
    trip, no connection of its own to hold)."""
    if NUL in ref:  # PostgreSQL text cannot hold it, so no slug has it
        raise entry_not_found(ref)
    entry_id = row_id(ref)
    if entry_id is not None:
        row = await connection.fetchrow(
            f"SELECT {ENTRY_COLUMNS} FROM entries WHERE id = $1", entry_id
        )
    else:
        row = await connection.fetchrow(
            f"SELECT {ENTRY_COLUMNS} FROM entries WHERE slug = $1", ref.strip().lower()
        )
    if row is None or (row["deleted_at"] is not None and not include_deleted):
        raise entry_not_found(ref)
    return entry_from_row(row)


async def entries_by_slug(connection: Connection, slugs: list[str]) -> dict[str, Entry]:
    rows = await connection.fetch(
        f"SELECT {ENTRY_COLUMNS} FROM entries WHERE slug = ANY($1::text[])", slugs
    )
    return {row["slug"]: entry_from_row(row) for row in rows}
