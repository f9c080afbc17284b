"""The top-k search index beside the database, through ``briefbot``: it follows every import
and edit, is rebuilt on demand or when it belongs to another copy of the database, and a very
common search on a large archive says that it shows the newest matches. Through the store: it
shows what FTS5's bm25 ranks first, for every kind of search."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.domain.entries import MARK_START
from bot.domain.search_query import UNRANKED_NOTE, parse_search
from bot.storage import search_topk
from bot.storage.database import Database
from bot.storage.entry_store import EntryStore
from bot.storage.search_index import folder_for
from tests.factories import shipped_briefs

from .conftest import NIS_SLUG, NOW, Cli


def applied(env: dict[str, str]) -> int:
    """The last outbox row the index has applied (its own record)."""
    meta = folder_for(Path(env["BRIEFBOT_DB"])) / "briefbot-index.json"
    return int(json.loads(meta.read_text())["applied"])


def edit_title(folder: Path, slug: str, title: str) -> None:
    path = folder / f"{slug}.md"
    lines = path.read_text().splitlines()
    lines = [f"title: {title}" if line.startswith("title:") else line for line in lines]
    path.write_text("\n".join(lines) + "\n")


def test_an_edited_title_is_found_by_its_new_words_only(
    cli: Cli, env: dict[str, str], briefs_copy: Path
) -> None:
    assert cli("import", str(briefs_copy))[0] == 0
    assert NIS_SLUG in cli("search", "commandos")[1]
    before = applied(env)

    edit_title(briefs_copy, NIS_SLUG, "Seoul names the zanzibarian regiment")
    code, out, err = cli("import", str(briefs_copy))
    assert code == 0, err
    assert "1 updated" in out

    found = cli("search", "zanzibarian")[1]
    assert NIS_SLUG in found
    assert "[zanzibarian]" in found
    assert NIS_SLUG not in cli("search", '"special forces in russia"')[1]
    assert applied(env) > before  # answered by the index, which took the edit


def test_db_reindex_rebuilds_and_search_keeps_its_answers(cli: Cli) -> None:
    before = cli("search", "troops OR commandos")[1]

    code, out, err = cli("db", "reindex")

    assert code == 0, err
    assert out.startswith("Search index rebuilt from the database: ")
    assert cli("search", "troops OR commandos")[1] == before


def test_a_deleted_index_folder_is_rebuilt_by_the_next_search(
    cli: Cli, env: dict[str, str]
) -> None:
    before = cli("search", "commandos")[1]
    shutil.rmtree(folder_for(Path(env["BRIEFBOT_DB"])))

    assert cli("search", "commandos")[1] == before
    assert applied(env) >= 0


def test_a_restored_backup_is_searched_as_it_is_not_as_the_index_remembers(
    cli: Cli, env: dict[str, str], briefs_copy: Path, tmp_path: Path
) -> None:
    db = Path(env["BRIEFBOT_DB"])
    assert cli("import", str(briefs_copy))[0] == 0
    backup = tmp_path / "backup.sqlite3"
    assert cli("db", "backup", str(backup))[0] == 0
    edit_title(briefs_copy, NIS_SLUG, "Seoul names the zanzibarian regiment")
    assert cli("import", str(briefs_copy))[0] == 0
    assert NIS_SLUG in cli("search", "zanzibarian")[1]

    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, db)

    assert cli("search", "zanzibarian")[1].startswith("No results for")
    assert NIS_SLUG in cli("search", "commandos")[1]


@pytest.mark.parametrize("query", ["the", "kor*", "nor*", '"north korea"'])
def test_a_very_common_search_on_a_large_archive_says_it_shows_the_newest(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    # The shipped briefs stand in for a large archive: every search counts as large.
    monkeypatch.setattr(search_topk, "COMMON_MIN_ROWS", 1)
    monkeypatch.setattr(search_topk, "COMMON_SHARE", 0.0)

    code, out, err = cli("search", query)

    assert code == 0, err
    assert UNRANKED_NOTE in out
    assert out.count("\x02") == 0  # marks are rendered, never shown raw
    assert "[" in out


@pytest.mark.parametrize(
    "query",
    [
        "commandos",
        "north korea",
        "troops -russia",
        "missiles OR shells",
        '"north korean"',
        "deploy*",
        "kor* troops",
        '"special forces" -nato',
    ],
)
async def test_the_index_shows_what_fts5_ranks_first(database: Database, query: str) -> None:
    await EntryStore(database).import_many(shipped_briefs(), "test", NOW)
    parsed = parse_search(query)

    fts5 = await EntryStore(database, top_k=False).search(parsed, 26)
    ours = await EntryStore(database).search(parsed, 26)

    assert ours.ranked and fts5.ranked
    assert [h.entry.slug for h in ours.hits] == [h.entry.slug for h in fts5.hits]
    assert all(MARK_START in hit.snippet for hit in ours.hits)


def test_an_index_folder_that_cannot_be_made_leaves_search_to_fts5(
    cli: Cli, env: dict[str, str]
) -> None:
    folder_for(Path(env["BRIEFBOT_DB"])).parent.mkdir(parents=True)
    folder_for(Path(env["BRIEFBOT_DB"])).write_text("not a folder")

    code, out, err = cli("search", "commandos")

    assert code == 0, err
    assert NIS_SLUG in out
    assert "[commandos]" in out
