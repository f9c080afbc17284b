"""Entry writes: every change one ``BEGIN IMMEDIATE`` transaction that keeps a revision."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.domain.entries import (
    Changes,
    Entry,
    EntryContent,
    ImportResult,
    ProgressCallback,
    RevisionAction,
)
from bot.domain.errors import DuplicateSlug, InvalidInput, StaleRevision
from bot.domain.import_plan import plan_import
from bot.storage.codec import changed_fields, content_dict, stamp
from bot.storage.corrections import enqueue_correction
from bot.storage.database import Database
from bot.storage.entry_reads import entries_by_slug, fetch_one
from bot.storage.entry_rows import (
    FIGURE_INSERT,
    REVISION_INSERT,
    TAG_INSERT,
    content_columns,
    figure_rows,
    insert_rows,
    tag_rows,
)

# New entries are written this many per executemany batch; progress is reported after each.
IMPORT_BATCH = 5000


class EntryWriter:
    """Add, edit, delete/restore and import; each returns the entry as stored."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def _stored(self, entry_id: int) -> Entry:
        return await fetch_one(self._db.read, str(entry_id), include_deleted=True)

    async def add(self, content: EntryContent, actor: str, now: datetime) -> Entry:
        """Store a new entry (revision 1); raises :class:`DuplicateSlug`."""
        async with self._db.write() as connection:
            entry_id = await _insert(connection, content, actor, now)
        return await self._stored(entry_id)

    async def edit(
        self,
        ref: str,
        content: EntryContent,
        actor: str,
        now: datetime,
        expected_revision: int | None = None,
        correction: Changes | None = None,
    ) -> Entry:
        """Replace an entry's content, keeping the previous version as a revision.

        With ``correction`` (what changed, from the old and new content), the revision is a
        correction and every channel whose posted digest carried the entry is owed a
        notice, in the same transaction.
        """
        async with self._db.write() as connection:
            current = await fetch_one(connection, ref, include_deleted=True)
            if current.is_deleted:
                raise InvalidInput(f"{current.slug} is deleted; restore it before editing")
            if expected_revision is not None and current.revision != expected_revision:
                raise StaleRevision(
                    f"{current.slug} was changed by {current.updated_by} "
                    f"(now revision {current.revision}); reopen it and try again"
                )
            await _update(connection, current, content, actor, now)
            if correction is not None:
                changes = correction(current.content, content)
                revision = current.revision + 1
                await enqueue_correction(connection, current.id, revision, changes, now)
        return await self._stored(current.id)

    async def set_deleted(self, ref: str, deleted: bool, actor: str, now: datetime) -> Entry:
        """Soft-delete (or restore) an entry; it stays in the database with its history."""
        action = RevisionAction.DELETE if deleted else RevisionAction.RESTORE
        async with self._db.write() as connection:
            current = await fetch_one(connection, ref, include_deleted=True)
            if current.is_deleted == deleted:
                state = "already deleted" if deleted else "not deleted"
                raise InvalidInput(f"{current.slug} is {state}")
            revision = current.revision + 1
            await connection.execute(
                "UPDATE entries SET deleted_at = ?, updated_by = ?, updated_at = ?, revision = ?"
                " WHERE id = ?",
                (stamp(now) if deleted else None, actor, stamp(now), revision, current.id),
            )
            await _record(connection, current.id, revision, action, actor, now, (), current.content)
        return await self._stored(current.id)

    async def import_many(
        self,
        contents: Sequence[EntryContent],
        actor: str,
        now: datetime,
        progress: ProgressCallback | None = None,
        correction: Changes | None = None,
    ) -> ImportResult:
        """Add or update many entries by slug in one transaction: all or nothing.

        Unchanged entries are left alone (no new revision), so re-importing is a no-op.
        With ``correction``, every updated entry is a correction (see :meth:`edit`).
        """
        async with self._db.write() as connection:
            plan = plan_import(
                contents, await entries_by_slug(connection, [c.slug for c in contents])
            )
            new = plan.new
            for current, content in plan.updates:
                await _update(connection, current, content, actor, now)
                if correction is not None:
                    changes = correction(current.content, content)
                    revision = current.revision + 1
                    await enqueue_correction(connection, current.id, revision, changes, now)
            # New entries go in a few executemany calls per batch rather than four awaits
            # each: every await is a round trip to aiosqlite's thread.
            done = len(contents) - len(new)
            for start in range(0, len(new), IMPORT_BATCH):
                chunk = new[start : start + IMPORT_BATCH]
                await _insert_many(connection, chunk, actor, now)
                if progress is not None:
                    for _ in chunk:
                        done += 1
                        progress(done, len(contents))
        return plan.result()


async def _insert(
    connection: aiosqlite.Connection, content: EntryContent, actor: str, now: datetime
) -> int:
    try:
        cursor = await connection.execute(
            "INSERT INTO entries (slug, title, summary, body, event_date, reported_at, status,"
            " importance, topics, actors, sources, figures, event_date_basis, created_by,"
            " created_at, updated_by, updated_at, revision)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (*content_columns(content), actor, stamp(now), actor, stamp(now)),
        )
    except aiosqlite.IntegrityError as error:
        if "entries.slug" in str(error):
            raise DuplicateSlug(f"another entry already uses the slug '{content.slug}'") from None
        raise
    entry_id = cursor.lastrowid
    assert entry_id is not None
    await _write_children(connection, entry_id, content)
    await _record(connection, entry_id, 1, RevisionAction.ADD, actor, now, (), content)
    return entry_id


async def _insert_many(
    connection: aiosqlite.Connection, contents: Sequence[EntryContent], actor: str, now: datetime
) -> None:
    """Insert new entries (slugs known to be free) with their tags, figures and revision 1.

    Ids are assigned here, inside the write transaction, so children need no read-back.
    """
    rows = await connection.execute_fetchall("SELECT coalesce(max(id), 0) FROM entries")
    first = int(next(iter(rows))[0]) + 1
    # Building the rows (JSON for every entry) takes ~150 ms for 2,000 full entries: in a
    # worker thread, so that the bot keeps answering during a large import.
    entries, tags, figures, revisions = await asyncio.to_thread(
        insert_rows, contents, first, actor, stamp(now)
    )
    await connection.executemany(
        "INSERT INTO entries (id, slug, title, summary, body, event_date, reported_at, status,"
        " importance, topics, actors, sources, figures, event_date_basis, created_by,"
        " created_at, updated_by, updated_at, revision)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        entries,
    )
    await connection.executemany(TAG_INSERT, tags)
    await connection.executemany(FIGURE_INSERT, figures)
    await connection.executemany(REVISION_INSERT, revisions)


async def _update(
    connection: aiosqlite.Connection,
    current: Entry,
    content: EntryContent,
    actor: str,
    now: datetime,
) -> None:
    if content.slug != current.slug:
        clash = await connection.execute_fetchall(
            "SELECT 1 FROM entries WHERE slug = ?", (content.slug,)
        )
        if list(clash):
            raise DuplicateSlug(f"another entry already uses the slug '{content.slug}'")
    revision = current.revision + 1
    await connection.execute(
        "UPDATE entries SET slug = ?, title = ?, summary = ?, body = ?, event_date = ?,"
        " reported_at = ?, status = ?, importance = ?, topics = ?, actors = ?, sources = ?,"
        " figures = ?, event_date_basis = ?, updated_by = ?, updated_at = ?, revision = ?"
        " WHERE id = ?",
        (*content_columns(content), actor, stamp(now), revision, current.id),
    )
    await connection.execute("DELETE FROM entry_tags WHERE entry_id = ?", (current.id,))
    await connection.execute("DELETE FROM figures WHERE entry_id = ?", (current.id,))
    await _write_children(connection, current.id, content)
    changes = changed_fields(current.content, content)
    await _record(
        connection, current.id, revision, RevisionAction.EDIT, actor, now, changes, content
    )


async def _write_children(
    connection: aiosqlite.Connection, entry_id: int, content: EntryContent
) -> None:
    await connection.executemany(TAG_INSERT, tag_rows(entry_id, content))
    await connection.executemany(FIGURE_INSERT, figure_rows(entry_id, content))


async def _record(
    connection: aiosqlite.Connection,
    entry_id: int,
    revision: int,
    action: RevisionAction,
    actor: str,
    now: datetime,
    changes: tuple[str, ...],
    content: EntryContent,
) -> None:
    await connection.execute(
        REVISION_INSERT,
        (
            entry_id,
            revision,
            action.value,
            actor,
            stamp(now),
            json.dumps(list(changes)),
            json.dumps(content_dict(content), ensure_ascii=False),
        ),
    )
