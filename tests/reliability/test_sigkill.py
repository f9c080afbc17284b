"""SIGKILL at random points during an import of 100 files and during edits.

After each kill the database must pass ``integrity_check`` (and the search index's own check),
the import must be all or nothing (0 or 100 new entries, never some), and an edited entry must
be exactly its old or its new revision: entries row, revisions, figures and tags agreeing.
The ``chaos`` marker runs many more kill points.
"""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability.support import (
    BRIEFBOT,
    BRIEFS,
    PYTHON,
    briefbot,
    clean_env,
    closing_connection,
    integrity,
    killable,
    sigkill,
    write_briefs,
)

FILES = 100
SEED = 8


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seeded")
    db = folder / "bot.sqlite3"
    result = briefbot("import", str(BRIEFS), db=db, cwd=folder)
    assert result.returncode == 0, result.stderr
    return db


def slugs_present(db: Path, slugs: list[str]) -> int:
    with closing_connection(db) as raw:
        rows = raw.execute(
            "SELECT count(*) FROM entries WHERE slug IN (SELECT value FROM json_each(?))",
            (json.dumps(slugs),),
        ).fetchone()
        return int(rows[0])


def kill_import(db: Path, folder: Path, point: float | str) -> str:
    """Run ``briefbot import`` and SIGKILL it after ``point`` seconds, or when the WAL grows."""
    wal = Path(f"{db}-wal")
    argv = [str(BRIEFBOT), "import", str(folder)]
    env = clean_env(BRIEFBOT_DB=str(db), BRIEFBOT_BRIEFS_DIR=str(BRIEFS))
    with killable(argv, env=env, cwd=db.parent, stdout=subprocess.DEVNULL) as process:
        deadline = time.monotonic() + 60
        if point == "wal-grows":
            while process.poll() is None and time.monotonic() < deadline:
                if wal.exists() and wal.stat().st_size > 0:
                    break
                time.sleep(0.0005)
        else:
            assert isinstance(point, float)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=point)
        finished = process.poll() is not None
        sigkill(process)
    return "finished before the kill" if finished else "killed"


def kill_points(rounds: int) -> list[float | str]:
    rng = random.Random(SEED)
    return ["wal-grows", *(round(rng.uniform(0.2, 1.4), 3) for _ in range(rounds - 1))]


def import_rounds(seeded: Path, tmp_path: Path, rounds: int) -> dict[str, int]:
    folder = tmp_path / "bulk"
    slugs = write_briefs(folder, FILES, "sigkill")
    outcome = {"killed": 0, "finished before the kill": 0, "none": 0, "all": 0}
    for n, point in enumerate(kill_points(rounds)):
        db = tmp_path / f"round-{n}" / "bot.sqlite3"
        db.parent.mkdir()
        shutil.copyfile(seeded, db)
        base = slugs_present(db, slugs)
        outcome[kill_import(db, folder, point)] += 1

        assert integrity(db) == "ok", f"kill at {point}"
        present = slugs_present(db, slugs) - base
        assert present in (0, FILES), f"kill at {point}: {present} of {FILES} entries imported"
        outcome["all" if present else "none"] += 1

        again = briefbot("import", str(folder), db=db, cwd=db.parent)  # the restart
        assert again.returncode == 0, again.stderr
        assert slugs_present(db, slugs) == FILES, "nothing lost"
        with closing_connection(db) as raw:
            doubled = raw.execute(
                "SELECT count(*) FROM (SELECT slug FROM entries GROUP BY slug HAVING count(*) > 1)"
            ).fetchone()[0]
        assert doubled == 0
        assert integrity(db) == "ok"
    print(f"SIGKILL during import of {FILES} files: {outcome}")
    return outcome


def test_sigkill_during_an_import_leaves_all_or_nothing(seeded: Path, tmp_path: Path) -> None:
    outcome = import_rounds(seeded, tmp_path, rounds=4)
    assert outcome["none"] + outcome["all"] == 4


@pytest.mark.chaos
def test_sigkill_during_an_import_many_times(seeded: Path, tmp_path: Path) -> None:
    outcome = import_rounds(seeded, tmp_path, rounds=25)
    assert outcome["killed"] > 0


# -- edits -------------------------------------------------------------------------------------

EDITOR = """
import asyncio, sys
from pathlib import Path
from bot.app import open_app
from bot.settings import Settings

SLUG = sys.argv[2]

def version(n):
    figures = [
        {"display": f"{n * 10 + i}", "counts": f"count {i} in version {n}",
         "claimed_by": "Example officials", "status": "reported", "subject": f"sub-{n % 2}-{i}"}
        for i in range(1 + 3 * (n % 2))
    ]
    return {
        "slug": SLUG, "title": f"Edited entry version {n}", "summary": f"Summary {n}.",
        "body": f"Body of version {n}. " + "x" * (500 + 3000 * (n % 2)),
        "event_date": "2026-11-20",
        "topics": ["diplomacy"] if n % 2 else ["diplomacy", "deployment"],
        "actors": ["south-korea"] if n % 2 else ["south-korea", "russia", "nato"],
        "status": "reported", "importance": 1 + n % 3,
        "sources": [{"name": "Example", "url": f"https://example.org/{n}"}], "figures": figures,
    }

async def main():
    async with open_app(Settings.from_env(BRIEFBOT_DB=Path(sys.argv[1]))) as app:
        n = 0
        while True:
            n += 1
            await app.service.edit(SLUG, version(n), "kill-test")
            print(n, flush=True)

asyncio.run(main())
"""


def check_entry_consistent(db: Path, slug: str) -> int:
    """The entries row, its last revision, figures and tags describe the same version."""
    with closing_connection(db) as raw:
        raw.row_factory = sqlite3.Row
        row = raw.execute("SELECT * FROM entries WHERE slug = ?", (slug,)).fetchone()
        revisions = raw.execute(
            "SELECT revision, content FROM revisions WHERE entry_id = ? ORDER BY revision",
            (row["id"],),
        ).fetchall()
        assert [r["revision"] for r in revisions] == list(range(1, row["revision"] + 1))
        last = json.loads(revisions[-1]["content"])
        for column in ("title", "summary", "body", "status", "importance"):
            assert last[column] == row[column], column
        assert last["topics"] == json.loads(row["topics"])
        assert [f["subject"] for f in last["figures"]] == [
            f["subject"] for f in json.loads(row["figures"])
        ]
        figures = raw.execute(
            "SELECT subject, display FROM figures WHERE entry_id = ? ORDER BY position",
            (row["id"],),
        ).fetchall()
        assert [(f["subject"], f["display"]) for f in figures] == [
            (f["subject"], f["display"]) for f in last["figures"]
        ]
        tags = raw.execute(
            "SELECT kind, tag FROM entry_tags WHERE entry_id = ? ORDER BY kind, tag", (row["id"],)
        ).fetchall()
        expected = sorted(
            [("actor", a) for a in last["actors"]] + [("topic", t) for t in last["topics"]]
        )
        assert [(t["kind"], t["tag"]) for t in tags] == expected
        found = raw.execute(
            "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH ? AND rowid = ?",
            (json.dumps(row["title"]), row["id"]),
        ).fetchone()[0]
        assert found == 1, "the search index has the current title"
        return int(row["revision"])


def edit_rounds(seeded: Path, tmp_path: Path, rounds: int) -> list[int]:
    script = tmp_path / "editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    with closing_connection(seeded) as raw:
        slug = str(raw.execute("SELECT slug FROM entries ORDER BY id LIMIT 1").fetchone()[0])
    rng = random.Random(SEED + 1)
    revisions = []
    for n in range(rounds):
        db = tmp_path / f"edit-{n}" / "bot.sqlite3"
        db.parent.mkdir()
        shutil.copyfile(seeded, db)
        with killable([str(PYTHON), str(script), str(db), slug], env=clean_env()) as process:
            assert process.stdout is not None
            first = process.stdout.readline()  # it is editing now
            assert first.strip() == "1", process.stderr.read() if process.stderr else ""
            time.sleep(rng.uniform(0.0, 0.6))
            assert process.poll() is None, "still editing when killed"
            sigkill(process)
        assert integrity(db) == "ok"
        revisions.append(check_entry_consistent(db, slug))
    print(f"SIGKILL during edits: the entry was at revisions {revisions} after each kill")
    return revisions


def test_sigkill_during_edits_leaves_whole_revisions(seeded: Path, tmp_path: Path) -> None:
    revisions = edit_rounds(seeded, tmp_path, rounds=3)
    assert all(r >= 2 for r in revisions), "each kill came after at least one committed edit"


@pytest.mark.chaos
def test_sigkill_during_edits_many_times(seeded: Path, tmp_path: Path) -> None:
    edit_rounds(seeded, tmp_path, rounds=20)
