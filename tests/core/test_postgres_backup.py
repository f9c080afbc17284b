"""The backup docs/scaling.md gives for PostgreSQL, done as an operator would: pg_dump while
the record is live, pg_restore into a new database, and the bot reads the restored copy."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.storage.postgres.database import LATEST_VERSION
from tests.pg_cluster import Cluster, new_database

from .conftest import NIS_SLUG, Cli


def test_pg_dump_and_pg_restore_give_a_database_the_bot_reads(
    cli: Cli,
    tmp_path: Path,
    postgres_url: str,
    postgres_cluster: Cluster,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BRIEFBOT_DATABASE_URL", postgres_url)
    assert cli("latest")[0] == 0  # the shipped briefs are seeded into PostgreSQL
    dump = tmp_path / "briefbot.dump"
    restored = postgres_cluster.url(new_database(postgres_cluster, migrated=False))

    tools = postgres_cluster.bindir
    subprocess.run(
        [str(tools / "pg_dump"), "--format=custom", f"--file={dump}", postgres_url], check=True
    )
    subprocess.run(
        [str(tools / "pg_restore"), "--no-owner", f"--dbname={restored}", str(dump)], check=True
    )

    monkeypatch.setenv("BRIEFBOT_DATABASE_URL", restored)
    code, out, _ = cli("show", NIS_SLUG)
    assert code == 0 and "[CONFIRMED]" in out
    code, out, _ = cli("search", "commandos")  # the search vectors are computed on restore
    assert code == 0 and NIS_SLUG in out and "[commandos]" in out
    code, out, _ = cli("db", "migrate")
    assert code == 0 and f"is at schema {LATEST_VERSION} (latest {LATEST_VERSION})" in out
