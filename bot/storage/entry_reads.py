"""Entry reads: by slug or id, by date and by tag, suggestions and history (SQLite)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.domain.entries import Entry, Revision
from bot.domain.entry_changes import entry_not_found
from bot.storage.codec import ENTRY_COLUMNS, entry_from_row, prefixed_columns, stamp
from bot.storage.corrections import CorrectionLedger
from bot.storage.database import Database
from bot.storage.entry_rows import revision_from_row, tagged_query
from bot.storage.figures import like_pattern
from bot.storage.refs import row_id

# Autocomplete looks for its text in the newest entries only: a substring match cannot use
# an index, so the scan is bounded (newest first, it stops at the first page of matches).
SUGGEST_WINDOW = 20_000


class EntryReader:
    """Every read of entries and their revisions; the one place that SQL lives."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def get(self, ref: str, include_deleted: bool = False) -> Entry:
        """The entry with slug (or numeric id) ``ref``, with its corrections; raises
        :class:`EntryNotFound`."""
        entry = await fetch_one(self._db.read, ref, include_deleted)
        corrections = await CorrectionLedger(self._db).corrections(entry.id)
        return replace(entry, corrections=corrections) if corrections else entry

    async def get_by_id(self, entry_id: int, include_deleted: bool = False) -> Entry:
        return await fetch_one(self._db.read, str(entry_id), include_deleted)

    async def data_version(self) -> int:
        """Changes on every commit, by any process; no thread hop (see ``data_version``)."""
        return self._db.data_version()

    async def count(self) -> int:
        rows = await self._db.read.execute_fetchall(
            "SELECT count(*) FROM entries WHERE deleted_at IS NULL"
        )
        return int(next(iter(rows))[0])

    async def latest(
        self,
        limit: int,
        offset: int = 0,
        topic: str | None = None,
        actor: str | None = None,
    ) -> list[Entry]:
        """Newest entries first (by event date), optionally with a topic and/or actor."""
        if topic or actor:
            # Walk the tag index (kind, tag, event_date, entry_id) newest first: no sort.
            tagged, params = _tagged(topic, actor)
            sql = (
                f"{tagged} AND e.deleted_at IS NULL"
                " ORDER BY t.event_date DESC, t.entry_id DESC LIMIT ? OFFSET ?"
            )
            return await self._entries(sql, (*params, limit, offset))
        sql = (
            f"SELECT {ENTRY_COLUMNS} FROM entries WHERE deleted_at IS NULL"
            " ORDER BY event_date DESC, id DESC LIMIT ? OFFSET ?"
        )
        return await self._entries(sql, (limit, offset))

    async def between(
        self,
        start: date | None,
        end: date | None,
        actor: str | None = None,
        limit: int = 200,
    ) -> list[Entry]:
        """Entries whose event date lies in [start, end], oldest first (a timeline)."""
        low = (start or date.min).isoformat()
        high = (end or date.max).isoformat()
        if actor:
            tagged, params = _tagged(None, actor)
            sql = (
                f"{tagged} AND e.deleted_at IS NULL AND t.event_date >= ? AND t.event_date <= ?"
                " ORDER BY t.event_date, t.entry_id LIMIT ?"
            )
            return await self._entries(sql, (*params, low, high, limit))
        sql = (
            f"SELECT {ENTRY_COLUMNS} FROM entries WHERE deleted_at IS NULL"
            " AND event_date >= ? AND event_date <= ?"
            " ORDER BY event_date, id LIMIT ?"
        )
        return await self._entries(sql, (low, high, limit))

    async def recorded_between(self, start: datetime, end: datetime) -> list[Entry]:
        """Entries first recorded in [start, end): what is new for a digest window."""
        sql = (
            f"SELECT {ENTRY_COLUMNS} FROM entries WHERE deleted_at IS NULL"
            " AND created_at >= ? AND created_at < ? ORDER BY created_at"
        )
        return await self._entries(sql, (stamp(start), stamp(end)))

    async def all(self, include_deleted: bool = False) -> list[Entry]:
        """Every entry (for export), oldest event first."""
        where = "" if include_deleted else "WHERE deleted_at IS NULL"
        return await self._entries(f"SELECT {ENTRY_COLUMNS} FROM entries {where} ORDER BY id", ())

    async def suggest(self, text: str, limit: int = 25) -> list[tuple[str, str]]:
        """(slug, title) pairs whose title or slug contains ``text``, newest first.

        Only the newest SUGGEST_WINDOW entries are looked at (``show`` still takes any slug).
        """
        pattern = like_pattern(text)
        rows = await self._db.read.execute_fetchall(
            "SELECT slug, title FROM entries WHERE deleted_at IS NULL AND event_date >= coalesce("
            " (SELECT event_date FROM entries WHERE deleted_at IS NULL"
            "  ORDER BY event_date DESC, id DESC LIMIT 1 OFFSET ?), '')"
            " AND (title LIKE ? ESCAPE '\\' OR slug LIKE ? ESCAPE '\\')"
            " ORDER BY event_date DESC, id DESC LIMIT ?",
            (SUGGEST_WINDOW, pattern, pattern, limit),
        )
        return [(row["slug"], row["title"]) for row in rows]

    async def history(self, ref: str) -> list[Revision]:
        """Every revision of an entry, oldest first."""
        entry = await self.get(ref, include_deleted=True)
        rows = await self._db.read.execute_fetchall(
            "SELECT entry_id, revision, action, actor, at, changed_fields, content, correction"
            " FROM revisions WHERE entry_id = ? ORDER BY revision",
            (entry.id,),
        )
        return [revision_from_row(row) for row in rows]

    async def _entries(self, sql: str, params: Sequence[Any]) -> list[Entry]:
        rows = await self._db.read.execute_fetchall(sql, params)
        return [entry_from_row(row) for row in rows]


def _tagged(topic: str | None, actor: str | None) -> tuple[str, tuple[Any, ...]]:
    """``SELECT … FROM entry_tags AS t JOIN entries AS e … WHERE …`` for one or two tags.

    The first tag drives (its index is in event order); a second is one index lookup.
    """
    return tagged_query(
        f"SELECT {prefixed_columns('e.')} FROM entry_tags AS t CROSS JOIN entries AS e"
        " WHERE e.id = t.entry_id AND t.kind = ? AND t.tag = ?",
        " AND EXISTS (SELECT 1 FROM entry_tags AS u WHERE u.kind = ? AND u.tag = ?"
        " AND u.event_date = t.event_date AND u.entry_id = t.entry_id)",
        topic,
        actor,
    )


async def fetch_one(connection: aiosqlite.Connection, ref: str, include_deleted: bool) -> Entry:
    entry_id = row_id(ref)
    column = "slug" if entry_id is None else "id"
    value: Any = ref.strip().lower() if entry_id is None else entry_id
    rows = list(
        await connection.execute_fetchall(
            f"SELECT {ENTRY_COLUMNS} FROM entries WHERE {column} = ?", (value,)
        )
    )
    if not rows or (rows[0]["deleted_at"] is not None and not include_deleted):
        raise entry_not_found(ref)
    return entry_from_row(rows[0])


async def entries_by_slug(
    connection: aiosqlite.Connection, slugs: Sequence[str]
) -> dict[str, Entry]:
    rows = await connection.execute_fetchall(
        f"SELECT {ENTRY_COLUMNS} FROM entries WHERE slug IN (SELECT value FROM json_each(?))",
        (json.dumps(list(slugs)),),
    )
    return {row["slug"]: entry_from_row(row) for row in rows}
