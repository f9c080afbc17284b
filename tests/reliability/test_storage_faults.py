"""The database full or locked: a plain answer, nothing changed or corrupted, reads go on.

Full is simulated with ``PRAGMA max_page_count`` on the bot's writer (SQLite then fails any
write that needs a new page with SQLITE_FULL, as on a full disk); locked is another connection
or process holding ``BEGIN IMMEDIATE`` past the busy timeout (200 ms here, from
``BRIEFBOT_BUSY_TIMEOUT_MS``).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiosqlite
import pytest

from bot import cli
from bot.app import App
from bot.settings import Settings
from bot.storage import database as database_module
from tests.discord_bot.conftest import BotWorld
from tests.discord_bot.helpers import ADD_OPTIONS, form, zipped
from tests.factories import brief_file
from tests.reliability.support import BRIEFS, briefbot, entry_count, integrity, write_briefs

FULL = "The briefing database is full; nothing was changed."
BUSY = "The briefing database is busy"
BUSY_TIMEOUT_MS = 200


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(
        BRIEFBOT_DB=tmp_path / "bot.sqlite3",
        BRIEFBOT_BRIEFS_DIR=BRIEFS,
        BRIEFBOT_BUSY_TIMEOUT_MS=BUSY_TIMEOUT_MS,
    )


async def cap_size(connection: aiosqlite.Connection) -> int:
    """Compact the file, then forbid it to grow: the next write needing a page fails FULL."""
    await connection.execute("VACUUM")
    rows = list(await connection.execute_fetchall("PRAGMA page_count"))
    pages = int(rows[0][0])
    await connection.execute(f"PRAGMA max_page_count = {pages}")
    return pages


def big_form(n: int) -> dict[str, str]:
    return form(title=f"Large entry number {n}", details="Growing the file. " * 200)


@contextmanager
def write_lock_held(db: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holding the write lock (as a second process would)."""
    raw = sqlite3.connect(db, isolation_level=None, timeout=10)
    try:
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO app_state (key, value) VALUES ('lock-holder', 'x')")
        yield raw
        raw.execute("ROLLBACK")
    finally:
        raw.close()


# -- full -------------------------------------------------------------------------------------


async def test_a_full_database_refuses_adds_and_imports_plainly_and_keeps_serving_reads(
    world: BotWorld, app: App
) -> None:
    s = world.server
    before = await world.snapshot()
    await cap_size(app.database._writer)

    opened = await world.run(s.admin, "brief-admin add", **ADD_OPTIONS)
    refused = await world.discord.submit_modal(opened, big_form(1), member=s.admin)
    assert refused.ephemeral and refused.content == FULL, refused

    archive = zipped({f"f{i}.md": brief_file(f"full-import-{i}", f"Full {i}") for i in range(20)})
    upload = world.discord.upload("many.zip", archive)
    imported = await world.run(s.admin, "brief-admin import", file=upload)
    assert imported.ephemeral and imported.content == FULL, imported

    assert await world.snapshot() == before
    assert integrity(app.settings.db_path) == "ok"
    latest = await world.run(s.reader, "brief latest", count=3)
    assert len(latest.embeds) == 3
    found = await world.run(s.reader, "brief search", query="Kursk")
    assert found.embed["title"].startswith("Search")

    await app.database._writer.execute("PRAGMA max_page_count = 1073741823")
    again = await world.run(s.admin, "brief-admin add", **ADD_OPTIONS)
    saved = await world.discord.submit_modal(again, big_form(1), member=s.admin)
    assert saved.content.startswith("Added `"), "space again: the same form saves"


def test_the_cli_says_full_on_one_line_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("BRIEFBOT_DB", str(db))
    monkeypatch.setenv("BRIEFBOT_BRIEFS_DIR", str(BRIEFS))
    assert cli.main(["import", str(BRIEFS)]) == 0
    write_briefs(tmp_path / "bulk", 30, "full-cli")
    count = entry_count(db)
    capsys.readouterr()

    connect = database_module._connect

    async def capped(path: Path, busy_timeout_ms: int = 5000) -> aiosqlite.Connection:
        connection = await connect(path, busy_timeout_ms)
        rows = list(await connection.execute_fetchall("PRAGMA page_count"))
        await connection.execute(f"PRAGMA max_page_count = {int(rows[0][0])}")
        return connection

    monkeypatch.setattr(database_module, "_connect", capped)
    with sqlite3.connect(db) as raw:
        raw.execute("VACUUM")
    code = cli.main(["import", str(tmp_path / "bulk")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines() == [f"briefbot: {FULL}"], err
    assert entry_count(db) == count
    assert integrity(db) == "ok"

    assert cli.main(["latest", "-n", "2"]) == 0, "reads still work with the cap in place"
    assert capsys.readouterr().out.strip()


# -- locked -----------------------------------------------------------------------------------


async def test_a_write_lock_held_elsewhere_gives_busy_while_reads_answer(
    world: BotWorld, app: App
) -> None:
    s = world.server
    before = await world.snapshot()
    opened = await world.run(s.admin, "brief-admin add", **ADD_OPTIONS)

    with write_lock_held(app.settings.db_path):
        refused = await world.discord.submit_modal(opened, form(), member=s.admin)
        assert refused.ephemeral and refused.content.startswith(BUSY), refused
        assert "Try again" in refused.content
        upload = world.discord.upload("one.md", brief_file("locked-import", "Locked"))
        imported = await world.run(s.admin, "brief-admin import", file=upload)
        assert imported.ephemeral and imported.content.startswith(BUSY), imported
        latest = await world.run(s.reader, "brief latest", count=2)
        assert len(latest.embeds) == 2, "reads never wait for the writer (WAL)"
        shown = await world.run(s.reader, "brief show", entry=before[0][0])
        assert shown.embeds

    assert await world.snapshot() == before
    assert integrity(app.settings.db_path) == "ok"
    again = await world.run(s.admin, "brief-admin add", **ADD_OPTIONS)
    saved = await world.discord.submit_modal(again, form(), member=s.admin)
    assert saved.content.startswith("Added `"), "the lock is gone: trying again works"


def test_the_cli_says_busy_when_another_process_holds_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "locked.sqlite3"
    assert briefbot("import", str(BRIEFS), db=db, cwd=tmp_path).returncode == 0
    write_briefs(tmp_path / "bulk", 5, "locked-cli")
    count = entry_count(db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        timeout = str(BUSY_TIMEOUT_MS)
        result = briefbot(
            "import", str(tmp_path / "bulk"), db=db, cwd=tmp_path, BRIEFBOT_BUSY_TIMEOUT_MS=timeout
        )
        assert result.returncode == 1
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"briefbot: {BUSY}"), result.stderr
        read = briefbot("latest", "-n", "1", db=db, cwd=tmp_path, BRIEFBOT_BUSY_TIMEOUT_MS=timeout)
        assert read.returncode == 0, read.stderr
        assert read.stdout.strip()
    finally:
        holder.communicate("", timeout=30)
    assert entry_count(db) == count
    assert integrity(db) == "ok"
