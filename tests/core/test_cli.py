"""The ``briefbot`` command line, run for real against a fresh database file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.storage.database import LATEST_VERSION

from .conftest import BRIEFS, HUR_SLUG, NIS_SLUG, REPO, Cli, Lingering


def test_search_finds_the_nis_entry_on_a_fresh_database(cli: Cli) -> None:
    code, out, err = cli("search", "commandos")

    assert code == 0, err
    assert NIS_SLUG in out
    assert "[commandos]" in out


@pytest.mark.parametrize("query", ['"unbalanced', "NEAR(", "'; DROP TABLE entries; --", "*", "-"])
def test_awkward_search_input_answers_without_traceback(cli: Cli, query: str) -> None:
    code, out, err = cli("search", query)

    assert code == 0
    assert "Traceback" not in out + err
    assert out.startswith(("No results for", "Nothing to search for", "["))


def test_show_unknown_slug_is_one_line_and_non_zero(cli: Cli) -> None:
    code, out, err = cli("show", "no-such-slug")

    assert code != 0
    assert out == ""
    assert err.splitlines() == ["briefbot: no entry 'no-such-slug'"]


def test_show_prints_the_entry_with_its_figures_and_sources(cli: Cli) -> None:
    code, out, _ = cli("show", HUR_SLUG)

    assert code == 0
    assert "[REPORTED]" in out
    assert "as many as 12,000 North Korean troops that North Korea may have committed" in out
    assert "event 19 Oct 2024, date inferred by the editor" in out
    assert (
        "Kyiv Post, 21 Oct 2024 (no link to the article; the link is the outlet's home page):"
        " https://www.kyivpost.com/"
    ) in out


def test_import_with_a_bad_file_lists_problems_and_imports_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    good = (BRIEFS / f"{NIS_SLUG}.md").read_text()
    (folder / "good.md").write_text(good)
    bad = folder / "bad.md"
    bad.write_text(good.replace(NIS_SLUG, "bad-one").replace("importance: 3", "importance: 7"))

    code, out, err = cli("import", str(folder))

    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"{bad}: importance: must be 1, 2 or 3",
        "briefbot: 1 problem(s); nothing was imported",
    ]
    assert cli("latest")[1].count("\n") > 10  # empty DB, so latest seeded from briefs/ instead


def test_import_then_reimport_reports_counts(cli: Cli) -> None:
    assert cli("import", str(BRIEFS))[1] == "Imported 10 new, 0 updated, 0 unchanged.\n"
    assert cli("import", str(BRIEFS))[1] == "Imported 0 new, 0 updated, 10 unchanged.\n"


def test_digest_on_an_empty_database_has_both_troop_figures(cli: Cli) -> None:
    code, out, err = cli("digest")

    assert code == 0, err
    assert "Key figures" in out
    troops = next(
        line for line in out.splitlines() if "North Korean troops deployed to Russia:" in line
    )
    assert "1,500" in troops and "12,000" in troops


def test_digest_json_is_valid_json(cli: Cli) -> None:
    code, out, _ = cli("digest", "--format", "json", "--tz", "Europe/Kyiv")

    data = json.loads(out)
    assert code == 0
    assert {"local_date", "headlines", "sections", "key_figures", "omitted"} <= set(data)
    claims = [c["display"] for g in data["key_figures"] for c in g["claims"]]
    assert "as many as 12,000" in claims


def test_digest_with_unknown_time_zone_is_one_clear_line(cli: Cli) -> None:
    code, _, err = cli("digest", "--tz", "Mars/Olympus")

    assert code == 1
    assert err.splitlines() == [
        "briefbot: 'Mars/Olympus' is not a known time zone; use an IANA name like Asia/Seoul"
    ]


def test_db_migrate_backup_and_check(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "backup.sqlite3"

    assert cli("db", "migrate")[1].endswith(
        f"at schema {LATEST_VERSION} (latest {LATEST_VERSION}).\n"
    )
    assert cli("latest")[0] == 0
    assert cli("db", "backup", str(target)) == (0, f"Backed up to {target}\n", "")
    assert cli("db", "check") == (0, "ok\n", "")
    assert target.stat().st_size > 0
    code, _, err = cli("db", "backup", str(target))
    assert code == 1 and err.count("\n") == 1 and "already exists" in err


def test_latest_figures_and_history(cli: Cli) -> None:
    code, out, _ = cli("latest", "-n", "2", "--topic", "deployment")
    assert code == 0
    assert out.count("[") == 2 and "(more: page 2)" in out

    figures = cli("figures", "--subject", "nk-troops-in-russia")[1]
    assert "at least 1,500" in figures and "as many as 12,000" in figures

    assert cli("history", NIS_SLUG)[1].startswith("r1 ")


def test_export_writes_brief_files(cli: Cli, tmp_path: Path) -> None:
    cli("latest")

    code, out, _ = cli("export", str(tmp_path / "out"))

    assert code == 0 and out.startswith("Wrote 10 entries")
    assert sorted(p.name for p in (tmp_path / "out").glob("*.md")) == sorted(
        p.name for p in BRIEFS.glob("*.md") if p.name != "README.md"
    )


def test_a_database_file_that_is_not_sqlite_is_one_line(
    cli: Cli, env: dict[str, str], lingering_threads: Lingering
) -> None:
    path = Path(env["BRIEFBOT_DB"])
    path.parent.mkdir(parents=True)
    path.write_bytes(b"garbage" * 1000)

    code, _, err = cli("latest")

    assert code == 1
    assert err.splitlines() == [
        f"briefbot: {path}: cannot open the database: file is not a database"
    ]
    assert lingering_threads() == []


def _installed_script() -> Path | None:
    for candidate in (
        Path(sys.executable).parent / "briefbot",
        REPO / ".venv" / "bin" / "briefbot",
    ):
        if candidate.exists():
            return candidate
    return None


@pytest.mark.skipif(
    _installed_script() is None, reason="the briefbot console script is not installed"
)
def test_installed_console_script(env: dict[str, str], tmp_path: Path) -> None:
    script = _installed_script()
    assert script is not None
    run_env = {**os.environ, **env}

    found = subprocess.run(
        [script, "search", "commandos"],
        env=run_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    missing = subprocess.run(
        [script, "show", "no-such-slug"],
        env=run_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert found.returncode == 0, found.stderr
    assert NIS_SLUG in found.stdout
    assert missing.returncode == 1
    assert missing.stderr.splitlines() == ["briefbot: no entry 'no-such-slug'"]


def test_sync_commands_without_a_token_says_which_setting_is_missing(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operator's mistake is named, not hidden behind an error id."""
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)

    code, _, err = cli("sync-commands")

    assert code == 1
    assert err == "briefbot: DISCORD_TOKEN is not set (environment or .env)\n"


def test_a_reader_that_stops_reading_gets_no_error_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    """`briefbot … | head`: when the pipe closes, the command stops quietly."""
    script = _installed_script()
    assert script is not None
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte: every write fails

    stopped = subprocess.run(
        [script, "figures", "--format", "json"],
        env={**os.environ, **env},
        cwd=tmp_path,
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    os.close(write_end)

    assert stopped.stderr == ""
    assert stopped.returncode == 1
