"""A damaged or unreadable database file at start-up: one clear line, non-zero exit, untouched.

Never a traceback, never a crash loop, never a silent fresh database in its place.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.reliability.support import BRIEFS, briefbot, closing_connection

Damage = Callable[[Path], None]


def truncate_half(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])


def truncate_to_header(db: Path) -> None:
    db.write_bytes(db.read_bytes()[:60])


def garbage_header(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[:100] = bytes((i * 37 + 11) % 256 for i in range(100))
    db.write_bytes(bytes(data))


def garbage_pages(db: Path) -> None:
    """Scribble over a stretch in the middle: the header is fine, some pages are not."""
    data = bytearray(db.read_bytes())
    start = len(data) // 3
    data[start : start + 8192] = b"\xde\xad\xbe\xef" * 2048
    db.write_bytes(bytes(data))


def directory(db: Path) -> None:
    db.unlink()
    db.mkdir()
    (db / "keep.txt").write_text("a folder where the database should be")


def unreadable(db: Path) -> None:
    db.chmod(0)


DAMAGES: dict[str, Damage] = {
    "truncated-half": truncate_half,
    "truncated-to-60-bytes": truncate_to_header,
    "garbage-header": garbage_header,
    "garbage-pages": garbage_pages,
    "directory": directory,
    "no-read-permission": unreadable,
}


def fingerprint(path: Path) -> str:
    if path.is_dir():
        return "dir:" + ",".join(sorted(p.name for p in path.iterdir()))
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A populated, checkpointed database (no -wal file left)."""
    folder = tmp_path_factory.mktemp("healthy")
    db = folder / "bot.sqlite3"
    result = briefbot("import", str(BRIEFS), db=db, cwd=folder)
    assert result.returncode == 0, result.stderr
    with closing_connection(db) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    return db


@pytest.mark.parametrize("command", [["latest"], ["run"], ["db", "check"]], ids=" ".join)
@pytest.mark.parametrize("damage", list(DAMAGES), ids=str)
def test_a_damaged_database_stops_start_up_with_one_line(
    healthy: Path, tmp_path: Path, damage: str, command: list[str]
) -> None:
    if damage == "no-read-permission" and os.geteuid() == 0:
        pytest.skip("root reads files whatever their permissions")
    db = tmp_path / "bot.sqlite3"
    shutil.copyfile(healthy, db)
    DAMAGES[damage](db)
    before = fingerprint(db)
    try:
        result = briefbot(
            *command,
            db=db,
            cwd=tmp_path,
            timeout=60,
            # Were the database opened, `run` would try this (closed) port and fail loudly.
            DISCORD_TOKEN="not-a-real-token",
            DISCORD_API_BASE_URL="http://127.0.0.1:9/api/v10",
            DISCORD_GATEWAY_URL="ws://127.0.0.1:9/gateway",
        )
        after = fingerprint(db)
    finally:
        if damage == "no-read-permission":
            db.chmod(0o600)

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("briefbot: "), output
    assert str(db) in lines[0] and "database" in lines[0], lines[0]
    assert result.stdout == ""
    assert after == before, "the damaged file was not touched (no fresh database in its place)"
