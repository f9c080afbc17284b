"""Entry storage: writes with revisions, reads, full-text search and the figures tracker."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.domain.entries import (
    Entry,
    EntryContent,
    FigureClaim,
    Revision,
    RevisionAction,
    SearchHit,
    SearchPage,
)
from bot.domain.errors import DuplicateSlug, EntryNotFound, InvalidInput, StaleRevision
from bot.domain.provenance import parse_date_basis
from bot.domain.search_query import SearchQuery
from bot.storage.budget import OverBudget, SearchBusy, SearchTooSlow, time_budget
from bot.storage.codec import (
    ENTRY_COLUMNS,
    changed_fields,
    content_dict,
    content_from_dict,
    entry_from_row,
    figure_dict,
    figure_from_dict,
    figures_json,
    parse_stamp,
    sources_json,
    stamp,
)
from bot.storage.corrections import CorrectionLedger, enqueue_correction
from bot.storage.database import Database
from bot.storage.figures import FigureSubjects, like_pattern

# Snippet markers: control characters no entry text may contain (validation refuses them),
# so renderers can swap them for their own highlighting after escaping the text.
MARK_START = "\x02"
MARK_END = "\x03"
_ELLIPSIS = "…"


def _prefixed(prefix: str) -> str:
    return ", ".join(prefix + column.strip() for column in ENTRY_COLUMNS.split(","))


_SNIPPET_MARKS = (MARK_START, MARK_END, _ELLIPSIS)
# What a correction changed, from the old and the new content ("status: A → B", …).
Changes = Callable[[EntryContent, EntryContent], tuple[str, ...]]
# Rank every match keeping only (rowid, score) in the sort, then build entries and snippets
# for the one page: snippet() per match made common words cost seconds. Deleted entries are
# few; their ids come from a small partial index (0005).
_RANKED_SQL = (
    "WITH page AS (SELECT rowid AS id, bm25(entries_fts, 10.0, 4.0, 1.0) AS score"
    " FROM entries_fts WHERE entries_fts MATCH ?"
    " AND rowid NOT IN (SELECT id FROM entries WHERE deleted_at IS NOT NULL)"
    " ORDER BY score LIMIT ? OFFSET ?)"
    f" SELECT {_prefixed('e.')}, snippet(entries_fts, -1, ?, ?, ?, 16) AS snippet"
    " FROM page CROSS JOIN entries_fts CROSS JOIN entries AS e"
    " WHERE entries_fts MATCH ? AND entries_fts.rowid = page.id AND e.id = page.id"
    " ORDER BY page.score, page.id"
)
# The fallback: newest matches first. FTS5 walks its doclists in descending rowid order, so
# there is no sort, and one MATCH (one prefix expansion) serves the page and its snippets;
# rows skipped by OFFSET get no snippet.
_NEWEST_SQL = (
    f"SELECT {_prefixed('e.')}, snippet(entries_fts, -1, ?, ?, ?, 16) AS snippet"
    " FROM entries_fts CROSS JOIN entries AS e"
    " WHERE entries_fts MATCH ? AND e.id = entries_fts.rowid"
    " AND entries_fts.rowid NOT IN (SELECT id FROM entries WHERE deleted_at IS NOT NULL)"
    " ORDER BY entries_fts.rowid DESC LIMIT ? OFFSET ?"
)


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    # Deleted entries are left deleted: an import never quietly undoes an editor's delete.
    skipped_deleted: tuple[str, ...] = ()


ProgressCallback = Callable[[int, int], None]

IMPORT_BATCH = 5000
# Autocomplete looks for its text in the newest entries only: a substring match cannot use
# an index, so the scan is bounded (newest first, it stops at the first page of matches).
SUGGEST_WINDOW = 20_000
# Search ranks matches for at most this long, then shows the newest matches instead.
SEARCH_BUDGET_S = 0.25
# A search waits this long for its turn on the search connection: Discord wants an answer
# within 3 s, so a busy message beats a late (lost) one.
SEARCH_WAIT_S = 2.0
# The quiet-day digest names the figures of this many newest entries that carry figures.
RECENT_FIGURE_ENTRIES = 200


class EntryStore:
    """Every query about entries; the one place their SQL lives.

    ``search_budget_s``: how long a search may spend ranking before it falls back to the
    newest matches; ``fallback_budget_s``: how long it may then spend on those;
    ``search_wait_s``: how long it may wait for its turn (see :meth:`search`).
    """

    def __init__(
        self,
        database: Database,
        search_budget_s: float = SEARCH_BUDGET_S,
        search_wait_s: float = SEARCH_WAIT_S,
        fallback_budget_s: float = SEARCH_BUDGET_S,
    ) -> None:
        self._db = database
        self._search_budget_s = search_budget_s
        self._fallback_budget_s = fallback_budget_s
        self._search_wait_s = search_wait_s
        self.subjects = FigureSubjects(database)

    # -- writes ---------------------------------------------------------------------------

    async def add(self, content: EntryContent, actor: str, now: datetime) -> Entry:
        """Store a new entry (revision 1); raises :class:`DuplicateSlug`."""
        async with self._db.write() as connection:
            entry_id = await _insert(connection, content, actor, now)
        return await self.get_by_id(entry_id, include_deleted=True)

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
            current = await _fetch_one(connection, ref, include_deleted=True)
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
        return await self.get_by_id(current.id, include_deleted=True)

    async def set_deleted(self, ref: str, deleted: bool, actor: str, now: datetime) -> Entry:
        """Soft-delete (or restore) an entry; it stays in the database with its history."""
        action = RevisionAction.DELETE if deleted else RevisionAction.RESTORE
        async with self._db.write() as connection:
            current = await _fetch_one(connection, ref, include_deleted=True)
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
        return await self.get_by_id(current.id, include_deleted=True)

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
        added: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        skipped: list[str] = []
        async with self._db.write() as connection:
            existing = await _entries_by_slug(connection, [c.slug for c in contents])
            new: list[EntryContent] = []
            for content in contents:
                current = existing.get(content.slug)
                if current is None:
                    new.append(content)
                    added.append(content.slug)
                elif current.is_deleted:
                    skipped.append(content.slug)
                elif current.content == content:
                    unchanged.append(content.slug)
                else:
                    await _update(connection, current, content, actor, now)
                    updated.append(content.slug)
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
        return ImportResult(tuple(added), tuple(updated), tuple(unchanged), tuple(skipped))

    # -- reads ----------------------------------------------------------------------------

    async def get(self, ref: str, include_deleted: bool = False) -> Entry:
        """The entry with slug (or numeric id) ``ref``, with its corrections; raises
        :class:`EntryNotFound`."""
        entry = await _fetch_one(self._db.read, ref, include_deleted)
        corrections = await CorrectionLedger(self._db).corrections(entry.id)
        return replace(entry, corrections=corrections) if corrections else entry

    async def get_by_id(self, entry_id: int, include_deleted: bool = False) -> Entry:
        return await _fetch_one(self._db.read, str(entry_id), include_deleted)

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

    async def search(self, query: SearchQuery, limit: int, offset: int = 0) -> SearchPage:
        """Best matches first (bm25; titles weigh most) with a marked snippet each.

        Ranking scores every match, which takes seconds for a word in nearly every entry or a
        short prefix. It runs under the store's search budget; past it, SQLite interrupts the
        query and the page holds the newest matches instead (``ranked=False``), which FTS5
        reads in rowid order without scoring anything. That fallback has a budget of its own (a
        broad prefix must still expand to all its words), past which :class:`SearchTooSlow`
        is raised; a search that waits for its turn longer than ``search_wait_s`` raises
        :class:`SearchBusy`. So one search holds the search connection for at most the two
        budgets, and a flood of them queues for a bounded time.
        """
        if query.fts is None:
            return SearchPage((), ranked=True)
        connection = self._db.search
        try:
            async with asyncio.timeout(self._search_wait_s):
                await self._db.search_lock.acquire()
        except TimeoutError:
            raise SearchBusy from None
        try:
            try:
                async with time_budget(connection, self._search_budget_s):
                    rows = await connection.execute_fetchall(
                        _RANKED_SQL, (query.fts, limit, offset, *_SNIPPET_MARKS, query.fts)
                    )
                ranked = True
            except OverBudget:
                ranked = False
            if not ranked:
                try:
                    async with time_budget(connection, self._fallback_budget_s):
                        rows = await connection.execute_fetchall(
                            _NEWEST_SQL, (*_SNIPPET_MARKS, query.fts, limit, offset)
                        )
                except OverBudget:
                    raise SearchTooSlow from None
        finally:
            self._db.search_lock.release()
        hits = tuple(SearchHit(entry_from_row(row), row["snippet"]) for row in rows)
        return SearchPage(hits, ranked)

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

    async def claims(self, subjects: Iterable[str] | None = None) -> list[FigureClaim]:
        """Every figure claim (optionally for some subjects), oldest first."""
        sql = (
            "SELECT f.subject, f.value, f.display, f.counts, f.claimed_by, f.status, f.claim,"
            " e.slug, e.title, e.event_date, e.event_date_basis FROM figures AS f"
            " JOIN entries AS e ON e.id = f.entry_id WHERE e.deleted_at IS NULL"
        )
        params: tuple[Any, ...] = ()
        if subjects is not None:
            chosen = sorted(set(subjects))
            if not chosen:
                return []
            sql += " AND f.subject IN (SELECT value FROM json_each(?))"
            params = (json.dumps(chosen),)
        rows = await self._db.read.execute_fetchall(
            sql + " ORDER BY e.event_date, e.id, f.position", params
        )
        return [_claim(row) for row in rows]

    async def recent_subjects(self, limit: int) -> list[str]:
        """The figure subjects of the newest entries that carry figures."""
        rows = await self._db.read.execute_fetchall(
            "SELECT f.subject, max(e.event_date) AS newest FROM (SELECT id, event_date,"
            " importance FROM entries WHERE deleted_at IS NULL AND figures != '[]'"
            " ORDER BY event_date DESC, id DESC LIMIT ?) AS e"
            " CROSS JOIN figures AS f ON f.entry_id = e.id"
            " GROUP BY f.subject ORDER BY max(e.importance) DESC, newest DESC LIMIT ?",
            (RECENT_FIGURE_ENTRIES, limit),
        )
        return [row["subject"] for row in rows]

    async def history(self, ref: str) -> list[Revision]:
        """Every revision of an entry, oldest first."""
        entry = await self.get(ref, include_deleted=True)
        rows = await self._db.read.execute_fetchall(
            "SELECT entry_id, revision, action, actor, at, changed_fields, content, correction"
            " FROM revisions WHERE entry_id = ? ORDER BY revision",
            (entry.id,),
        )
        return [_revision(row) for row in rows]

    async def _entries(self, sql: str, params: Sequence[Any]) -> list[Entry]:
        rows = await self._db.read.execute_fetchall(sql, params)
        return [entry_from_row(row) for row in rows]


def _tagged(topic: str | None, actor: str | None) -> tuple[str, tuple[Any, ...]]:
    """``SELECT … FROM entry_tags AS t JOIN entries AS e … WHERE …`` for one or two tags.

    The first tag drives (its index is in event order); a second is one index lookup.
    """
    tags = [(kind, tag) for kind, tag in (("topic", topic), ("actor", actor)) if tag]
    sql = (
        f"SELECT {_prefixed('e.')} FROM entry_tags AS t CROSS JOIN entries AS e"
        " WHERE e.id = t.entry_id AND t.kind = ? AND t.tag = ?"
    )
    params: list[Any] = list(tags[0])
    for kind, tag in tags[1:]:
        sql += (
            " AND EXISTS (SELECT 1 FROM entry_tags AS u WHERE u.kind = ? AND u.tag = ?"
            " AND u.event_date = t.event_date AND u.entry_id = t.entry_id)"
        )
        params += [kind, tag]
    return sql, tuple(params)


async def _fetch_one(connection: aiosqlite.Connection, ref: str, include_deleted: bool) -> Entry:
    column = "id" if ref.isdigit() else "slug"
    value: Any = int(ref) if ref.isdigit() else ref.strip().lower()
    rows = list(
        await connection.execute_fetchall(
            f"SELECT {ENTRY_COLUMNS} FROM entries WHERE {column} = ?", (value,)
        )
    )
    if not rows or (rows[0]["deleted_at"] is not None and not include_deleted):
        raise EntryNotFound(f"no entry '{ref[:80]}'")
    return entry_from_row(rows[0])


async def _entries_by_slug(
    connection: aiosqlite.Connection, slugs: Sequence[str]
) -> dict[str, Entry]:
    rows = await connection.execute_fetchall(
        f"SELECT {ENTRY_COLUMNS} FROM entries WHERE slug IN (SELECT value FROM json_each(?))",
        (json.dumps(list(slugs)),),
    )
    return {row["slug"]: entry_from_row(row) for row in rows}


async def _insert(
    connection: aiosqlite.Connection, content: EntryContent, actor: str, now: datetime
) -> int:
    try:
        cursor = await connection.execute(
            "INSERT INTO entries (slug, title, summary, body, event_date, reported_at, status,"
            " importance, topics, actors, sources, figures, event_date_basis, created_by,"
            " created_at, updated_by, updated_at, revision)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (*_content_columns(content), actor, stamp(now), actor, stamp(now)),
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
        _insert_rows, contents, first, actor, stamp(now)
    )
    await connection.executemany(
        "INSERT INTO entries (id, slug, title, summary, body, event_date, reported_at, status,"
        " importance, topics, actors, sources, figures, event_date_basis, created_by,"
        " created_at, updated_by, updated_at, revision)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        entries,
    )
    await connection.executemany(_TAG_INSERT, tags)
    await connection.executemany(_FIGURE_INSERT, figures)
    await connection.executemany(_REVISION_INSERT, revisions)


_Rows = list[tuple[Any, ...]]


def _insert_rows(
    contents: Sequence[EntryContent], first: int, actor: str, at: str
) -> tuple[_Rows, _Rows, _Rows, _Rows]:
    """The entries, tags, figures and revisions rows of new entries numbered from ``first``."""
    entries: _Rows = []
    tags: _Rows = []
    figures: _Rows = []
    revisions: _Rows = []
    for entry_id, content in enumerate(contents, start=first):
        entries.append((entry_id, *_content_columns(content), actor, at, actor, at))
        tags += _tag_rows(entry_id, content)
        figures += _figure_rows(entry_id, content)
        revisions.append(
            (
                entry_id,
                1,
                RevisionAction.ADD.value,
                actor,
                at,
                "[]",
                json.dumps(content_dict(content), ensure_ascii=False),
            )
        )
    return entries, tags, figures, revisions


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
        (*_content_columns(content), actor, stamp(now), revision, current.id),
    )
    await connection.execute("DELETE FROM entry_tags WHERE entry_id = ?", (current.id,))
    await connection.execute("DELETE FROM figures WHERE entry_id = ?", (current.id,))
    await _write_children(connection, current.id, content)
    changes = changed_fields(current.content, content)
    await _record(
        connection, current.id, revision, RevisionAction.EDIT, actor, now, changes, content
    )


def _content_columns(content: EntryContent) -> tuple[Any, ...]:
    return (
        content.slug,
        content.title,
        content.summary,
        content.body,
        content.event_date.isoformat(),
        content.reported_at.isoformat() if content.reported_at else None,
        content.status.value,
        content.importance,
        json.dumps(list(content.topics)),
        json.dumps(list(content.actors)),
        sources_json(content.sources),
        figures_json(content.figures),
        content.event_date_basis.value,
    )


_TAG_INSERT = "INSERT INTO entry_tags (kind, tag, event_date, entry_id) VALUES (?, ?, ?, ?)"
_FIGURE_INSERT = (
    "INSERT INTO figures (entry_id, position, subject, value, display, counts, claimed_by,"
    " status, claim) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_REVISION_INSERT = (
    "INSERT INTO revisions (entry_id, revision, action, actor, at, changed_fields, content)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _tag_rows(entry_id: int, content: EntryContent) -> list[tuple[str, str, str, int]]:
    day = content.event_date.isoformat()
    tags = [("topic", t, day, entry_id) for t in content.topics]
    return tags + [("actor", a, day, entry_id) for a in content.actors]


def _figure_rows(entry_id: int, content: EntryContent) -> list[tuple[Any, ...]]:
    return [
        (
            entry_id,
            i,
            f.subject,
            f.value,
            f.display,
            f.counts,
            f.originator,
            f.status.value,
            json.dumps(figure_dict(f), ensure_ascii=False),
        )
        for i, f in enumerate(content.figures)
    ]


async def _write_children(
    connection: aiosqlite.Connection, entry_id: int, content: EntryContent
) -> None:
    await connection.executemany(_TAG_INSERT, _tag_rows(entry_id, content))
    await connection.executemany(_FIGURE_INSERT, _figure_rows(entry_id, content))


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
        _REVISION_INSERT,
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


def _claim(row: Any) -> FigureClaim:
    columns = {key: row[key] for key in ("value", "display", "counts", "subject", "status")}
    stored = json.loads(row["claim"])
    figure = figure_from_dict(columns | {"claimed_by": row["claimed_by"]} | stored)
    return FigureClaim(
        figure,
        row["slug"],
        row["title"],
        date.fromisoformat(row["event_date"]),
        parse_date_basis(row["event_date_basis"]),
    )


def _revision(row: Any) -> Revision:
    at = parse_stamp(row["at"])
    assert at is not None
    return Revision(
        entry_id=row["entry_id"],
        revision=row["revision"],
        action=RevisionAction(row["action"]),
        actor=row["actor"],
        at=at,
        changed_fields=tuple(json.loads(row["changed_fields"])),
        content=content_from_dict(json.loads(row["content"])),
        correction=tuple(json.loads(row["correction"])) if row["correction"] else None,
    )
