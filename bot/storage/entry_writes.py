"""Entry writes: every change one ``BEGIN IMMEDIATE`` transaction that keeps a revision."""

from __future__ import annotations

import asyncio
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
from bot.domain.entry_changes import check_editable, duplicate_slug
from bot.domain.import_plan import plan_import
from bot.domain.intake_records import Decision
from bot.storage.codec import stamp
from bot.storage.corrections import enqueue_correction
from bot.storage.database import Database
from bot.storage.entry_reads import entries_by_slug, fetch_one
from bot.storage.entry_rows import (
    FIGURE_INSERT,
    REVISION_INSERT,
    TAG_INSERT,
    content_columns,
    deletion_rows,
    edit_rows,
    figure_rows,
    insert_rows,
    revision_row,
    tag_rows,
)
from bot.storage.intake_queue import record_decision

# New entries are written this many per executemany batch; progress is reported after each.
IMPORT_BATCH = 5000


class EntryWriter:
    """Add, edit, delete/restore and import; each returns the entry as stored."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def _stored(self, entry_id: int) -> Entry:
        return await fetch_one(self._db.read, str(entry_id), include_deleted=True)

    async def add(
        self, content: EntryContent, actor: str, now: datetime, decision: Decision | None = None
    ) -> Entry:
        """Store a new entry (revision 1); raises :class:`DuplicateSlug`. With ``decision``,
        the candidate's approval is one transaction with the entry (see the port)."""
        async with self._db.write() as connection:
            await _decide(connection, decision, content.slug, now)
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
        decision: Decision | None = None,
    ) -> Entry:
        """Replace an entry's content, keeping the previous version as a revision.

        With ``correction`` (what changed, from the old and new content), the revision is a
        correction and every channel whose posted digest carried the entry is owed a
        notice, in the same transaction.
        """
        async with self._db.write() as connection:
            await _decide(connection, decision, content.slug, now)
            current = await fetch_one(connection, ref, include_deleted=True)
            check_editable(current, expected_revision)
            await _update(connection, current, content, actor, now, correction)
        return await self._stored(current.id)

    async def set_deleted(self, ref: str, deleted: bool, actor: str, now: datetime) -> Entry:
        """Soft-delete (or restore) an entry; it stays in the database with its history."""
        async with self._db.write() as connection:
            current = await fetch_one(connection, ref, include_deleted=True)
            entry, revision = deletion_rows(current, deleted, actor, stamp(now))
            await connection.execute(
                "UPDATE entries SET deleted_at = ?, updated_by = ?, updated_at = ?, revision = ?"
                " WHERE id = ?",
                entry,
            )
            await connection.execute(REVISION_INSERT, revision)
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
            for current, content in plan.updates:
                await _update(connection, current, content, actor, now, correction)
            # New entries go in a few executemany calls per batch rather than four awaits
            # each: every await is a round trip to aiosqlite's thread.
            for _, chunk in plan.new_batches(IMPORT_BATCH, progress):
                await _insert_many(connection, chunk, actor, now)
        return plan.result()


async def _decide(
    connection: aiosqlite.Connection, decision: Decision | None, slug: str, now: datetime
) -> None:
    """First in the transaction: a decision that lost its race writes nothing else."""
    if decision is not None:
        await record_decision(
            connection, decision.candidate_id, decision.action, decision.actor, now,
            entry_slug=slug,
        )  # fmt: skip


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
            raise duplicate_slug(content.slug) from None
        raise
    entry_id = cursor.lastrowid
    assert entry_id is not None
    await connection.executemany(TAG_INSERT, tag_rows(entry_id, content))
    await connection.executemany(FIGURE_INSERT, figure_rows(entry_id, content))
    added = revision_row(entry_id, 1, RevisionAction.ADD, actor, stamp(now), (), content)
    await connection.execute(REVISION_INSERT, added)
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
    correction: Changes | None,
) -> None:
    """Replace the entry's content and children and keep the revision; with ``correction``,
    the revision is a correction that owes notices (see :meth:`EntryWriter.edit`)."""
    if content.slug != current.slug:
        clash = await connection.execute_fetchall(
            "SELECT 1 FROM entries WHERE slug = ?", (content.slug,)
        )
        if list(clash):
            raise duplicate_slug(content.slug)
    rows = edit_rows(current, content, actor, stamp(now), correction)
    await connection.execute(
        "UPDATE entries SET slug = ?, title = ?, summary = ?, body = ?, event_date = ?,"
        " reported_at = ?, status = ?, importance = ?, topics = ?, actors = ?, sources = ?,"
        " figures = ?, event_date_basis = ?, updated_by = ?, updated_at = ?, revision = ?"
        " WHERE id = ?",
        rows.entry,
    )
    await connection.execute("DELETE FROM entry_tags WHERE entry_id = ?", (current.id,))
    await connection.execute("DELETE FROM figures WHERE entry_id = ?", (current.id,))
    await connection.executemany(TAG_INSERT, rows.tags)
    await connection.executemany(FIGURE_INSERT, rows.figures)
    await connection.execute(REVISION_INSERT, rows.revision)
    if rows.correction is not None:
        await enqueue_correction(connection, current.id, rows.number, rows.correction, now)
