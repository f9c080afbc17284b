"""Entry writes on PostgreSQL: every change one transaction that keeps a revision.

Every entry write holds the ``entries`` advisory lock for its transaction, so writes take
turns across processes as SQLite's ``BEGIN IMMEDIATE`` makes them: an edit's revision check
cannot race another edit, and new ids are ``max(id) + 1`` like SQLite's rowids (a copy
between the backends keeps them). Readers never wait for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

import asyncpg

from bot.domain.entries import Changes, Entry, EntryContent, ImportResult, ProgressCallback
from bot.domain.entry_changes import check_editable, duplicate_slug
from bot.domain.import_plan import plan_import
from bot.domain.intake_records import Decision
from bot.storage.codec import stamp
from bot.storage.entry_rows import deletion_rows, edit_rows, insert_rows
from bot.storage.entry_writes import IMPORT_BATCH
from bot.storage.postgres.corrections import enqueue_correction
from bot.storage.postgres.database import Connection, PgDatabase
from bot.storage.postgres.entry_reads import entries_by_slug, fetch_one
from bot.storage.postgres.intake_queue import record_decision

ENTRIES_LOCK = "entries"
_ENTRY_INSERT = (
    "INSERT INTO entries (id, slug, title, summary, body, event_date, reported_at, status,"
    " importance, topics, actors, sources, figures, event_date_basis, created_by,"
    " created_at, updated_by, updated_at, revision)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 1)"
)
_TAG_INSERT = "INSERT INTO entry_tags (kind, tag, event_date, entry_id) VALUES ($1, $2, $3, $4)"
_FIGURE_INSERT = (
    "INSERT INTO figures (entry_id, position, subject, value, display, counts, claimed_by,"
    " status, claim) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
)
_REVISION_INSERT = (
    "INSERT INTO revisions (entry_id, revision, action, actor, at, changed_fields, content)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7)"
)


class PgEntryWriter:
    """Add, edit, delete/restore and import; each returns the entry as stored."""

    def __init__(self, database: PgDatabase) -> None:
        self._db = database

    async def _stored(self, entry_id: int) -> Entry:
        return await fetch_one(self._db, str(entry_id), include_deleted=True)

    async def add(
        self, content: EntryContent, actor: str, now: datetime, decision: Decision | None = None
    ) -> Entry:
        async with self._db.write(lock=ENTRIES_LOCK) as connection:
            await _decide(connection, decision, content.slug, now)
            if await connection.fetchval("SELECT 1 FROM entries WHERE slug = $1", content.slug):
                raise duplicate_slug(content.slug)
            entry_id = await _next_id(connection)
            await _insert_many(connection, [content], entry_id, actor, now)
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
        async with self._db.write(lock=ENTRIES_LOCK) as connection:
            await _decide(connection, decision, content.slug, now)
            current = await fetch_one(connection, ref, include_deleted=True)
            check_editable(current, expected_revision)
            await _update(connection, current, content, actor, now, correction)
        return await self._stored(current.id)

    async def set_deleted(self, ref: str, deleted: bool, actor: str, now: datetime) -> Entry:
        async with self._db.write(lock=ENTRIES_LOCK) as connection:
            current = await fetch_one(connection, ref, include_deleted=True)
            entry, revision = deletion_rows(current, deleted, actor, stamp(now))
            await connection.execute(
                "UPDATE entries SET deleted_at = $1, updated_by = $2, updated_at = $3,"
                " revision = $4 WHERE id = $5",
                *entry,
            )
            await connection.execute(_REVISION_INSERT, *revision)
        return await self._stored(current.id)

    async def import_many(
        self,
        contents: Sequence[EntryContent],
        actor: str,
        now: datetime,
        progress: ProgressCallback | None = None,
        correction: Changes | None = None,
    ) -> ImportResult:
        """Add or update many entries by slug in one transaction: all or nothing."""
        async with self._db.write(lock=ENTRIES_LOCK) as connection:
            plan = plan_import(
                contents, await entries_by_slug(connection, [c.slug for c in contents])
            )
            for current, content in plan.updates:
                await _update(connection, current, content, actor, now, correction)
            first = await _next_id(connection)
            for start, chunk in plan.new_batches(IMPORT_BATCH, progress):
                await _insert_many(connection, chunk, first + start, actor, now)
        return plan.result()


async def _decide(
    connection: Connection, decision: Decision | None, slug: str, now: datetime
) -> None:
    """First in the transaction (after the entries lock): a lost decision writes nothing."""
    if decision is not None:
        await record_decision(
            connection, decision.candidate_id, decision.action, decision.actor, now,
            entry_slug=slug,
        )  # fmt: skip


async def _next_id(connection: Connection) -> int:
    return int(await connection.fetchval("SELECT coalesce(max(id), 0) + 1 FROM entries"))


async def _insert_many(
    connection: Connection,
    contents: Sequence[EntryContent],
    first: int,
    actor: str,
    now: datetime,
) -> None:
    """Insert new entries numbered from ``first`` with their tags, figures and revision 1.

    The rows are SQLite's (:func:`bot.storage.entry_rows.insert_rows`), built on a worker
    thread so that the bot keeps answering during a large import.
    """
    entries, tags, figures, revisions = await asyncio.to_thread(
        insert_rows, contents, first, actor, stamp(now)
    )
    try:
        await connection.executemany(_ENTRY_INSERT, entries)
    except asyncpg.UniqueViolationError:
        raise duplicate_slug(contents[0].slug if len(contents) == 1 else "…") from None
    await connection.executemany(_TAG_INSERT, tags)
    await connection.executemany(_FIGURE_INSERT, figures)
    await connection.executemany(_REVISION_INSERT, revisions)


async def _update(
    connection: Connection,
    current: Entry,
    content: EntryContent,
    actor: str,
    now: datetime,
    correction: Changes | None,
) -> None:
    """The rows of :func:`bot.storage.entry_rows.edit_rows`, as on SQLite."""
    if content.slug != current.slug and await connection.fetchval(
        "SELECT 1 FROM entries WHERE slug = $1", content.slug
    ):
        raise duplicate_slug(content.slug)
    rows = edit_rows(current, content, actor, stamp(now), correction)
    await connection.execute(
        "UPDATE entries SET slug = $1, title = $2, summary = $3, body = $4, event_date = $5,"
        " reported_at = $6, status = $7, importance = $8, topics = $9, actors = $10,"
        " sources = $11, figures = $12, event_date_basis = $13, updated_by = $14,"
        " updated_at = $15, revision = $16 WHERE id = $17",
        *rows.entry,
    )
    await connection.execute("DELETE FROM entry_tags WHERE entry_id = $1", current.id)
    await connection.execute("DELETE FROM figures WHERE entry_id = $1", current.id)
    await connection.executemany(_TAG_INSERT, rows.tags)
    await connection.executemany(_FIGURE_INSERT, rows.figures)
    await connection.execute(_REVISION_INSERT, *rows.revision)
    if rows.correction is not None:
        await enqueue_correction(connection, current.id, rows.number, rows.correction, now)
