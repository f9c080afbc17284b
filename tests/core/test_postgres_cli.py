"""The command line on PostgreSQL (``BRIEFBOT_DATABASE_URL=postgresql://…``): the operator
migrates and reads the record there, and the URL's password shows up nowhere."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.storage.postgres.database import LATEST_VERSION

from .conftest import NIS_SLUG, Cli

PASSWORD = "s3cret%2Fpa%40ss"  # "s3cret/pa@ss", percent-encoded as URLs need


def with_password(url: str) -> str:
    # The test cluster trusts local connections, so the password is carried but never checked.
    return url.replace("postgresql://postgres@", f"postgresql://postgres:{PASSWORD}@")


@pytest.fixture
def pg_cli(cli: Cli, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("BRIEFBOT_DATABASE_URL", with_password(postgres_url))
    return cli


def test_migrate_then_read_the_shipped_briefs_from_postgresql(
    pg_cli: Cli, postgres_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    code, out, err = pg_cli("db", "migrate")
    assert code == 0, err
    shown = postgres_url.replace("postgres@", "postgres:***@")
    assert out == f"Database {shown} is at schema {LATEST_VERSION} (latest {LATEST_VERSION}).\n"

    code, out, _ = pg_cli("show", NIS_SLUG)
    assert code == 0
    assert "[CONFIRMED]" in out
    code, out, _ = pg_cli("latest", "--count", "3")
    assert code == 0 and len(out.strip().splitlines()) >= 3
    assert pg_cli("health")[0] == 0

    assert not (tmp_path / "data" / "briefbot.sqlite3").exists(), "no SQLite file on the side"
    assert PASSWORD not in caplog.text
    assert "s3cret" not in out + err + caplog.text


def test_a_server_that_is_not_there_is_one_line_without_the_password(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"postgresql://briefbot:{PASSWORD}@/briefbot?host={tmp_path}"  # no server listens
    monkeypatch.setenv("BRIEFBOT_DATABASE_URL", url)

    code, out, err = cli("latest")

    assert code == 1
    assert out == ""
    assert err.startswith(f"briefbot: postgresql://briefbot:***@/briefbot?host={tmp_path}: ")
    assert "cannot use the database" in err
    assert len(err.splitlines()) == 1
    assert "s3cret" not in err


def test_a_database_that_does_not_exist_says_so(
    cli: Cli, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = postgres_url.replace("/briefbot_test_", "/nothing_here_")
    monkeypatch.setenv("BRIEFBOT_DATABASE_URL", with_password(missing))

    code, _, err = cli("latest")

    assert code == 1
    assert "does not exist" in err
    assert "s3cret" not in err


def test_a_password_that_is_not_percent_encoded_gets_advice_not_an_echo(
    cli: Cli, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = postgres_url.replace("postgresql://postgres@", "postgresql://postgres:s3cret/pa@ss@")
    monkeypatch.setenv("BRIEFBOT_DATABASE_URL", raw)

    code, _, err = cli("latest")

    assert code == 1
    assert "percent-encode" in err and "%2F" in err
    assert "s3cret" not in err and "pa@ss" not in err


@pytest.mark.parametrize(
    "url",
    ["mysql://root:hunter2@localhost/briefbot", "sqlite://relative.db", "briefbot.sqlite3"],
)
def test_a_url_the_bot_cannot_use_is_refused_in_one_sentence(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("BRIEFBOT_DATABASE_URL", url)

    code, out, err = cli("latest")

    assert code == 1
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("briefbot: database URL")
    assert "hunter2" not in err


def test_backup_and_check_name_the_postgresql_tools(pg_cli: Cli, tmp_path: Path) -> None:
    code, _, err = pg_cli("db", "backup", str(tmp_path / "copy.sqlite3"))
    assert code == 1
    assert "pg_dump" in err
    code, _, err = pg_cli("db", "check")
    assert code == 1
    assert "pg_amcheck" in err


def test_reindex_on_postgresql_says_no_index_is_needed_and_search_works(pg_cli: Cli) -> None:
    code, out, err = pg_cli("db", "reindex")

    assert (code, err) == (0, "")
    assert out == "PostgreSQL search needs no separate index: nothing to rebuild.\n"
    code, out, _ = pg_cli("search", "commandos")
    assert code == 0 and NIS_SLUG in out
