"""The figures tracker: claims as entries carry them, and the figure subjects index.

The subjects index (``figure_subjects``, migration 0006) is read in bounded queries only:
each walks a small table of one row per quantity, newest first, and stops at its LIMIT; no
read loads the archive's claims to find or count subjects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from bot.domain.entries import FigureClaim
from bot.domain.provenance import parse_date_basis
from bot.storage.codec import figure_from_dict
from bot.storage.database import Database

# The quiet-day digest names the figures of this many newest entries that carry figures.
RECENT_FIGURE_ENTRIES = 200


def like_pattern(text: str) -> str:
    """``%text%`` for ``LIKE … ESCAPE '\\'``, with the user's wildcards taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class FigureSubjects:
    """Which quantities the figures tracker holds claims about, most recently reported first."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def recent(self, limit: int) -> list[str]:
        """The ``limit`` subjects with the newest claims (ties: the most claimed first)."""
        rows = await self._db.read.execute_fetchall(
            "SELECT subject FROM figure_subjects"
            " ORDER BY newest DESC, claim_count DESC, subject LIMIT ?",
            (limit,),
        )
        return [row["subject"] for row in rows]

    async def count(self) -> int:
        """How many subjects have claims in live entries."""
        rows = await self._db.read.execute_fetchall("SELECT count(*) FROM figure_subjects")
        return int(next(iter(rows))[0])

    async def matching(self, text: str, limit: int) -> list[tuple[str, str]]:
        """(subject, what it counts) whose wording or subject contains ``text``, newest first."""
        pattern = like_pattern(text)
        rows = await self._db.read.execute_fetchall(
            "SELECT subject, counts FROM figure_subjects"
            " WHERE counts LIKE ? ESCAPE '\\' OR subject LIKE ? ESCAPE '\\'"
            " ORDER BY newest DESC, claim_count DESC, subject LIMIT ?",
            (pattern, pattern, limit),
        )
        return [(row["subject"], row["counts"]) for row in rows]


class FigureClaimReader:
    """Figure claims of live entries, in event order."""

    def __init__(self, database: Database) -> None:
        self._db = database

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
