"""Brief files: all-or-nothing import, idempotent re-import, edits, and export round-trip."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.brief_files import MAX_FILE_BYTES, read_brief_files
from bot.clock import FixedClock
from bot.domain.entries import ImportResult, RevisionAction
from bot.domain.vocabulary import Vocabulary
from bot.service import BriefingService
from bot.storage.database import open_database
from bot.storage.entry_store import EntryStore
from bot.usecases.import_checks import ImportRejected

from .conftest import BRIEFS, NIS_SLUG

BAD_BRIEF = """---
slug: broken-brief
title: A brief with a bad date and an unsafe link
summary: Something happened.
event_date: 2024-02-30
topics: [deployment]
actors: [north-korea]
status: reported
importance: 2
sources:
  - name: Somewhere
    url: javascript:alert(1)
---
"""


async def import_folder(service: BriefingService, *paths: Path) -> ImportResult:
    read = read_brief_files(paths)
    return await service.import_documents(read.documents, "cli", problems=read.problems)


async def rejection(service: BriefingService, *paths: Path) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        await import_folder(service, *paths)
    return list(caught.value.problems)


async def test_shipped_briefs_all_import(service: BriefingService) -> None:
    result = await import_folder(service, BRIEFS)

    assert len(result.added) == 10
    assert NIS_SLUG in result.added
    assert await service.count() == 10


async def test_one_bad_file_among_good_ones_imports_nothing(
    service: BriefingService, briefs_copy: Path
) -> None:
    bad = briefs_copy / "broken-brief.md"
    bad.write_text(BAD_BRIEF, encoding="utf-8")

    problems = await rejection(service, briefs_copy)

    assert await service.count() == 0
    assert await service.entries(include_deleted=True) == []
    assert problems == [
        f"{bad}: event_date: '2024-02-30' is not a valid date (YYYY-MM-DD)",
        f"{bad}: sources[1].url: must start with http:// or https://",
    ]


async def test_reimporting_unchanged_files_changes_nothing(
    service: BriefingService, clock: FixedClock
) -> None:
    await import_folder(service, BRIEFS)
    before = await service.entries()
    clock.moment += timedelta(days=1)

    again = await import_folder(service, BRIEFS)

    assert again.added == again.updated == ()
    assert len(again.unchanged) == 10
    assert await service.entries() == before
    assert [r.revision for r in await service.history(NIS_SLUG)] == [1]


async def test_edited_file_updates_its_entry_with_a_revision(
    service: BriefingService, briefs_copy: Path, clock: FixedClock
) -> None:
    await import_folder(service, briefs_copy)
    path = briefs_copy / f"{NIS_SLUG}.md"
    path.write_text(path.read_text().replace("importance: 3", "importance: 2"), encoding="utf-8")
    clock.moment += timedelta(hours=2)

    result = await import_folder(service, briefs_copy)

    assert result.updated == (NIS_SLUG,)
    assert len(result.unchanged) == 9
    entry = await service.show(NIS_SLUG)
    assert entry.content.importance == 2
    assert entry.revision == 2
    last = (await service.history(NIS_SLUG))[-1]
    assert (last.action, last.changed_fields, last.actor) == (
        RevisionAction.EDIT,
        ("importance",),
        "cli",
    )
    assert last.at == clock.now()


async def test_duplicate_slugs_across_files_are_refused(
    service: BriefingService, tmp_path: Path
) -> None:
    source = (BRIEFS / f"{NIS_SLUG}.md").read_text()
    (tmp_path / "a.md").write_text(source, encoding="utf-8")
    (tmp_path / "b.md").write_text(source, encoding="utf-8")

    problems = await rejection(service, tmp_path)

    assert problems == [
        f"{tmp_path / 'b.md'}: slug: '{NIS_SLUG}' is also used by {tmp_path / 'a.md'}"
    ]
    assert await service.count() == 0


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("---\ntitle: [unclosed\n---\nbody\n", "malformed YAML"),
        ("Just some notes, no front matter at all.\n", "no front matter"),
        ("---\n---\n", "no front matter"),
        ("---\n- a list\n- not fields\n---\n", "no front matter"),
    ],
)
async def test_unreadable_files_are_reported(
    service: BriefingService, tmp_path: Path, text: str, says: str
) -> None:
    (tmp_path / "odd.md").write_text(text, encoding="utf-8")

    problems = await rejection(service, tmp_path)

    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'odd.md'}: {says}")


async def test_oversize_and_non_utf8_files_are_reported(
    service: BriefingService, tmp_path: Path
) -> None:
    huge = tmp_path / "huge.md"
    huge.write_text("---\ntitle: x\n---\n" + "a" * MAX_FILE_BYTES)
    (tmp_path / "latin1.md").write_bytes("---\ntitle: caf\xe9\n---\n".encode("latin-1"))

    problems = await rejection(service, tmp_path, tmp_path / "missing.md")

    assert problems == [
        f"{tmp_path / 'missing.md'}: no such file or folder",
        f"{huge}: file is {huge.stat().st_size:,} bytes; at most {MAX_FILE_BYTES:,} allowed",
        f"{tmp_path / 'latin1.md'}: file is not UTF-8 text",
    ]


async def test_export_then_import_into_empty_db_round_trips(
    service: BriefingService, tmp_path: Path, clock: FixedClock
) -> None:
    await import_folder(service, BRIEFS)
    exported = tmp_path / "export"

    assert await service.export(exported) == 10

    fresh_db = await open_database(tmp_path / "fresh.sqlite3")
    try:
        fresh = BriefingService(EntryStore(fresh_db), clock, Vocabulary())
        result = await import_folder(fresh, exported)
        assert len(result.added) == 10
        original = {e.slug: e.content for e in await service.entries()}
        copied = {e.slug: e.content for e in await fresh.entries()}
        assert copied == original
        # and the exported files are themselves stable: importing them again is a no-op
        assert len((await import_folder(service, exported)).unchanged) == 10
    finally:
        await fresh_db.close()


async def test_plain_yaml_brief_imports_and_bad_dates_in_it_name_their_field(
    service: BriefingService, tmp_path: Path
) -> None:
    good = (BRIEFS / f"{NIS_SLUG}.md").read_text().split("---")[1]
    (tmp_path / "nis.yaml").write_text(good, encoding="utf-8")
    (tmp_path / "bad.yml").write_text(
        good.replace(NIS_SLUG, "bad-date").replace("2024-10-18", "2024-13-01")
    )

    problems = await rejection(service, tmp_path)

    assert problems == [
        f"{tmp_path / 'bad.yml'}: event_date: '2024-13-01' is not a valid date (YYYY-MM-DD)"
    ]
    (tmp_path / "bad.yml").unlink()
    assert (await import_folder(service, tmp_path)).added == (NIS_SLUG,)
