"""The figures tracker on PostgreSQL: claims as entries carry them, and the subjects index
(``figure_subjects``, kept by the triggers of migration 0006), read in bounded queries."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.entries import FigureClaim
from bot.storage.figures import RECENT_FIGURE_ENTRIES, like_pattern
from bot.storage.figures import _claim as claim_from_row
from bot.storage.postgres.database import PgDatabase
from bot.storage.postgres.entry_reads import NUL


class PgFigureSubjects:
    """Which quantities the tracker holds claims about, most recently reported first."""

    def __init__(self, database: PgDatabase) -> None:
        self._db = database

    async def recent(self, limit: int) -> list[str]:
        rows = await self._db.fetch(
            "SELECT subject FROM figure_subjects"
            " ORDER BY newest DESC, claim_count DESC, subject LIMIT $1",
            limit,
        )
        return [row["subject"] for row in rows]

    async def count(self) -> int:
        return int(await self._db.fetchval("SELECT count(*) FROM figure_subjects"))

    async def matching(self, text: str, limit: int) -> list[tuple[str, str]]:
        if NUL in text:
            return []
        rows = await self._db.fetch(
            "SELECT subject, counts FROM figure_subjects"
            " WHERE counts ILIKE $1 ESCAPE '\\' OR subject ILIKE $1 ESCAPE '\\'"
            " ORDER BY newest DESC, claim_count DESC, subject LIMIT $2",
            like_pattern(text),
            limit,
        )
        return [(row["subject"], row["counts"]) for row in rows]


class PgFigureClaimReader:
    """Figure claims of live entries, in event order."""

    def __init__(self, database: PgDatabase) -> None:
        self._db = database

    async def claims(self, subjects: Iterable[str] | None = None) -> list[FigureClaim]:
        sql = (
            "SELECT f.subject, f.value, f.display, f.counts, f.claimed_by, f.status, f.claim,"
            " e.slug, e.title, e.event_date, e.event_date_basis FROM figures AS f"
            " JOIN entries AS e ON e.id = f.entry_id WHERE e.deleted_at IS NULL"
        )
        order = " ORDER BY e.event_date, e.id, f.position"
        if subjects is None:
            rows = await self._db.fetch(sql + order)
        else:
            chosen = sorted({subject for subject in subjects if NUL not in subject})
            if not chosen:
                return []
            rows = await self._db.fetch(sql + " AND f.subject = ANY($1::text[])" + order, chosen)
        return [claim_from_row(row) for row in rows]

    async def recent_subjects(self, limit: int) -> list[str]:
        rows = await self._db.fetch(
            "SELECT f.subject, max(e.event_date) AS newest FROM (SELECT id, event_date,"
            " importance FROM entries WHERE deleted_at IS NULL AND figures::text <> '[]'"
            " ORDER BY event_date DESC, id DESC LIMIT $1) AS e"
            " JOIN figures AS f ON f.entry_id = e.id"
            " GROUP BY f.subject ORDER BY max(e.importance) DESC, newest DESC, f.subject LIMIT $2",
            RECENT_FIGURE_ENTRIES,
            limit,
        )
        return [row["subject"] for row in rows]
