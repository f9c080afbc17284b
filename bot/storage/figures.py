"""The figure subjects index (``figure_subjects``, migration 0006): bounded reads only.

Every query here walks a small table of one row per quantity, newest first, and stops at its
LIMIT; no read loads the archive's claims to find or count subjects.
"""

from __future__ import annotations

from bot.storage.database import Database


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
