"""SIGKILL between an entry's commit and its indexing: the entry is searchable after restart.

The killed process has committed a new entry (and, in the same transaction, its outbox row)
and is indexing it: it holds the index's writer with the entry added but not committed. After
the kill, ``briefbot search`` finds the entry, from the index (the outbox was replayed), and
the index is not left locked.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.storage.search_index import folder_for
from tests.reliability.support import (
    BRIEFS,
    PYTHON,
    briefbot,
    clean_env,
    closing_connection,
    killable,
    sigkill,
    write_briefs,
)

# Imports one brief folder, then starts indexing it and stops there until killed.
KILLED_MID_INDEXING = """
import asyncio, sys, time
from pathlib import Path
from bot.app import open_app
from bot.brief_files import read_brief_files
from bot.settings import Settings
from bot.storage.search_index import IndexedText
from bot.storage.search_topk import index_sync

async def main() -> None:
    async with open_app(Settings.from_env()) as app:
        read = read_brief_files([Path(sys.argv[1])])
        await app.service.import_documents(read.documents, "test")
        print("committed", flush=True)
        sync = index_sync(app.database)
        index = await sync.index()
        await sync.run(index.begin)
        row = list(await app.database.read.execute_fetchall(
            "SELECT id, title, summary, body FROM entries ORDER BY id DESC LIMIT 1"))[0]
        await sync.run(index.add, [IndexedText(*row)], [row[0]])
        print("indexing", flush=True)
        time.sleep(120)

asyncio.run(main())
"""


def index_applied(db: Path) -> int:
    meta = folder_for(db) / "briefbot-index.json"
    return int(json.loads(meta.read_text())["applied"])


def test_sigkill_between_commit_and_indexing_then_restart_finds_the_entry(
    tmp_path: Path,
) -> None:
    db = tmp_path / "bot.sqlite3"
    assert briefbot("import", str(BRIEFS), db=db, cwd=tmp_path).returncode == 0
    assert "commandos" in briefbot("search", "commandos", db=db, cwd=tmp_path).stdout
    built = index_applied(db)
    [slug] = write_briefs(tmp_path / "new", 1, "quokkafrontline")

    argv = [str(PYTHON), "-c", KILLED_MID_INDEXING, str(tmp_path / "new")]
    env = clean_env(BRIEFBOT_DB=str(db), BRIEFBOT_BRIEFS_DIR=str(BRIEFS))
    with killable(argv, env=env) as process:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "committed"
        assert process.stdout.readline().strip() == "indexing"
        sigkill(process)
    with closing_connection(db) as raw:
        pending = raw.execute("SELECT count(*) FROM search_outbox").fetchone()[0]
    assert pending >= 1  # committed, never indexed
    assert index_applied(db) == built

    found = briefbot("search", "quokkafrontline", db=db, cwd=tmp_path)

    assert found.returncode == 0, found.stderr
    assert slug in found.stdout
    assert "Traceback" not in found.stderr
    assert index_applied(db) > built  # the index took the entry (not an FTS5 stand-in)
    with closing_connection(db) as raw:
        assert raw.execute("SELECT count(*) FROM search_outbox").fetchone()[0] == 0
