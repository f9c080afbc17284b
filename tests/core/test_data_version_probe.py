"""The SQLite data-version probe: moves on commits by others; unsure means "changed"."""

from __future__ import annotations

from pathlib import Path

from bot.storage.data_version import DataVersionProbe
from bot.storage.database import Database


async def test_a_commit_by_the_writer_moves_the_probe(database: Database) -> None:
    before = database.data_version()
    assert database.data_version() == before  # nothing committed: the same value

    async with database.write() as connection:
        await connection.execute("INSERT INTO app_state (key, value) VALUES ('k', 'v')")

    assert database.data_version() != before


def test_when_sqlite_cannot_answer_every_answer_is_new(tmp_path: Path) -> None:
    probe = DataVersionProbe(tmp_path / "briefbot.sqlite3")
    probe.close()  # stands for any SQLite error (busy during WAL recovery, a lock held)

    answers = {probe.version() for _ in range(3)}

    assert len(answers) == 3 and all(answer < 0 for answer in answers)
