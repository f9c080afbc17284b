"""Entry ports: revisions, soft delete, conflicts, all-or-nothing import and every listing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bot.domain.corrections import substantive_changes
from bot.domain.entries import EntryContent, RevisionAction
from bot.domain.errors import DuplicateSlug, EntryNotFound, StaleRevision
from bot.domain.search_query import parse_search
from bot.ports.entries import EntryRepository
from tests.contract.backends import Backend
from tests.contract.conftest import NOW, Reopen
from tests.factories import entry_content

SLUG = "nk-troops-seen-in-kursk"


def dated(slug: str, day: str, topics: list[str], actors: list[str]) -> EntryContent:
    return entry_content(slug=slug, title=slug, event_date=day, topics=topics, actors=actors)


DATED = [
    dated("deploy-one", "2024-10-18", ["deployment"], ["north-korea"]),
    dated("deploy-two", "2024-10-19", ["deployment"], ["ukraine"]),
    dated("shells-one", "2024-10-20", ["munitions"], ["north-korea"]),
    dated("talks-one", "2024-10-21", ["diplomacy"], ["south-korea"]),
]


def slugs(entries: list[Any]) -> list[str]:
    return [entry.slug for entry in entries]


async def add_dated(entries: EntryRepository) -> None:
    for content in DATED:
        await entries.add(content, "ana", NOW)


async def test_an_added_entry_is_found_by_slug_and_by_id(backend: Backend) -> None:
    added = await backend.entries.add(entry_content(), "ana", NOW)

    assert added.revision == 1 and added.created_by == "ana" and added.created_at == NOW
    assert await backend.entries.get(SLUG) == added
    assert await backend.entries.get(str(added.id)) == added
    assert await backend.entries.get(f"  {SLUG.upper()} ") == added
    assert await backend.entries.count() == 1
    with pytest.raises(EntryNotFound):
        await backend.entries.get("no-such-entry")


async def test_edit_delete_restore_keep_every_revision(backend: Backend) -> None:
    entries = backend.entries
    await entries.add(entry_content(), "ana", NOW)
    edited = await entries.edit(SLUG, entry_content(importance=3), "ben", NOW + timedelta(hours=1))
    deleted = await entries.set_deleted(SLUG, True, "ana", NOW + timedelta(hours=2))
    restored = await entries.set_deleted(SLUG, False, "ben", NOW + timedelta(hours=3))

    assert (edited.revision, deleted.revision, restored.revision) == (2, 3, 4)
    assert deleted.is_deleted and not restored.is_deleted
    history = await entries.history(SLUG)
    assert [(r.revision, r.action, r.actor) for r in history] == [
        (1, RevisionAction.ADD, "ana"),
        (2, RevisionAction.EDIT, "ben"),
        (3, RevisionAction.DELETE, "ana"),
        (4, RevisionAction.RESTORE, "ben"),
    ]
    assert history[0].content.importance == 2 and history[1].content.importance == 3
    assert history[1].changed_fields == ("importance",)
    assert history[1].at == NOW + timedelta(hours=1)


async def test_a_stale_revision_is_refused_and_changes_nothing(backend: Backend) -> None:
    entries = backend.entries
    await entries.add(entry_content(), "ana", NOW)
    await entries.edit(SLUG, entry_content(importance=3), "ana", NOW, expected_revision=1)

    with pytest.raises(StaleRevision, match="revision 2"):
        await entries.edit(SLUG, entry_content(importance=1), "ben", NOW, expected_revision=1)

    current = await entries.get(SLUG)
    assert current.revision == 2 and current.content.importance == 3


async def test_a_duplicate_slug_is_refused_on_add_rename_and_changes_nothing(
    backend: Backend,
) -> None:
    entries = backend.entries
    await entries.add(entry_content(), "ana", NOW)
    await entries.add(entry_content(slug="second-entry"), "ana", NOW)

    with pytest.raises(DuplicateSlug, match=SLUG):
        await entries.add(entry_content(), "ben", NOW)
    with pytest.raises(DuplicateSlug):
        await entries.edit("second-entry", entry_content(), "ben", NOW)

    assert (await entries.get("second-entry")).revision == 1
    assert await entries.count() == 2


async def test_a_deleted_entry_is_hidden_from_every_read_but_kept(backend: Backend) -> None:
    entries = backend.entries
    await entries.add(entry_content(title="Kursk troops"), "ana", NOW)
    await entries.add(entry_content(slug="another-entry", title="Other"), "ana", NOW)
    await entries.set_deleted(SLUG, True, "ana", NOW)

    with pytest.raises(EntryNotFound):
        await entries.get(SLUG)
    assert slugs(await entries.latest(10)) == ["another-entry"]
    assert slugs(await entries.between(None, None)) == ["another-entry"]
    assert slugs(await entries.recorded_between(NOW, NOW + timedelta(seconds=1))) == [
        "another-entry"
    ]
    assert slugs(await entries.all()) == ["another-entry"]
    assert slugs(await entries.all(include_deleted=True)) == [SLUG, "another-entry"]
    assert await entries.suggest("kursk") == []
    assert (await entries.search(parse_search("troops"), 5)).hits == ()
    assert slugs([hit.entry for hit in (await entries.search(parse_search("Kursk"), 5)).hits]) == [
        "another-entry"
    ]
    assert await entries.count() == 1
    kept = await entries.get(SLUG, include_deleted=True)
    assert kept.is_deleted and kept.title == "Kursk troops"


async def test_deleting_twice_or_editing_a_deleted_entry_is_refused(backend: Backend) -> None:
    entries = backend.entries
    await entries.add(entry_content(), "ana", NOW)
    with pytest.raises(ValueError, match="not deleted"):
        await entries.set_deleted(SLUG, False, "ana", NOW)
    await entries.set_deleted(SLUG, True, "ana", NOW)

    with pytest.raises(ValueError, match="already deleted"):
        await entries.set_deleted(SLUG, True, "ana", NOW)
    with pytest.raises(ValueError, match="restore it"):
        await entries.edit(SLUG, entry_content(importance=3), "ana", NOW)
    assert len(await entries.history(SLUG)) == 2


async def test_a_correction_is_recorded_with_what_changed(backend: Backend) -> None:
    entries = backend.entries
    await entries.add(entry_content(), "ana", NOW)
    await entries.edit(
        SLUG, entry_content(status="confirmed"), "ben", NOW, correction=substantive_changes
    )

    history = await entries.history(SLUG)
    assert history[0].correction is None
    assert history[1].correction == ("status: Reported → Confirmed",)


async def test_import_adds_updates_leaves_unchanged_and_skips_deleted(backend: Backend) -> None:
    entries = backend.entries
    await entries.add(entry_content(), "ana", NOW)
    await entries.add(entry_content(slug="kept-as-is"), "ana", NOW)
    await entries.add(entry_content(slug="deleted-one"), "ana", NOW)
    await entries.set_deleted("deleted-one", True, "ana", NOW)
    progress: list[tuple[int, int]] = []

    result = await entries.import_many(
        [
            entry_content(importance=3),
            entry_content(slug="kept-as-is"),
            entry_content(slug="deleted-one", importance=3),
            entry_content(slug="brand-new"),
        ],
        "importer",
        NOW,
        lambda done, total: progress.append((done, total)),
    )

    assert (result.added, result.updated, result.unchanged, result.skipped_deleted) == (
        ("brand-new",),
        (SLUG,),
        ("kept-as-is",),
        ("deleted-one",),
    )
    assert progress[-1] == (4, 4)
    assert (await entries.get(SLUG)).revision == 2
    assert (await entries.get("kept-as-is")).revision == 1
    assert (await entries.get("deleted-one", include_deleted=True)).is_deleted
    assert (await entries.get("brand-new")).created_by == "importer"
    again = await entries.import_many([entry_content(importance=3)], "importer", NOW)
    assert again.unchanged == (SLUG,) and (await entries.get(SLUG)).revision == 2


async def test_an_import_that_fails_midway_writes_nothing(backend: Backend) -> None:
    entries = backend.entries
    await entries.add(entry_content(), "ana", NOW)

    def fail(done: int, total: int) -> None:
        raise RuntimeError("disk unplugged")

    with pytest.raises(RuntimeError):
        await entries.import_many(
            [entry_content(importance=3), entry_content(slug="brand-new")], "importer", NOW, fail
        )

    assert (await entries.get(SLUG)).revision == 1
    assert await entries.count() == 1
    with pytest.raises(EntryNotFound):
        await entries.get("brand-new", include_deleted=True)


async def test_latest_is_newest_first_with_topic_actor_and_paging(backend: Backend) -> None:
    entries = backend.entries
    await add_dated(entries)

    assert slugs(await entries.latest(3)) == ["talks-one", "shells-one", "deploy-two"]
    assert slugs(await entries.latest(3, 3)) == ["deploy-one"]
    assert slugs(await entries.latest(5, topic="deployment")) == ["deploy-two", "deploy-one"]
    assert slugs(await entries.latest(5, actor="north-korea")) == ["shells-one", "deploy-one"]
    both = await entries.latest(5, topic="deployment", actor="north-korea")
    assert slugs(both) == ["deploy-one"]
    assert await entries.latest(5, topic="aid") == []


async def test_between_is_oldest_first_within_dates_and_by_actor(backend: Backend) -> None:
    entries = backend.entries
    await add_dated(entries)

    window = await entries.between(date(2024, 10, 19), date(2024, 10, 20))
    assert slugs(window) == ["deploy-two", "shells-one"]
    assert slugs(await entries.between(None, None, actor="north-korea")) == [
        "deploy-one",
        "shells-one",
    ]
    assert slugs(await entries.between(date(2024, 10, 21), None)) == ["talks-one"]
    assert slugs(await entries.between(None, None, limit=1)) == ["deploy-one"]
    assert await entries.between(date(2024, 10, 21), date(2024, 10, 1)) == []


async def test_recorded_between_is_by_when_an_entry_was_first_stored(backend: Backend) -> None:
    entries = backend.entries
    await entries.add(entry_content(slug="yesterday"), "ana", NOW - timedelta(days=1))
    await entries.add(entry_content(slug="today"), "ana", NOW)
    await entries.edit("yesterday", entry_content(slug="yesterday", importance=3), "ana", NOW)

    assert slugs(await entries.recorded_between(NOW, NOW + timedelta(days=1))) == ["today"]
    assert slugs(await entries.recorded_between(NOW - timedelta(days=1), NOW)) == ["yesterday"]


async def test_suggest_takes_percent_and_underscore_literally(backend: Backend) -> None:
    entries = backend.entries
    await entries.add(entry_content(slug="half-of-shells", title="50% of shells"), "ana", NOW)
    await entries.add(entry_content(slug="other-entry", title="Other development"), "ana", NOW)

    assert await entries.suggest("50%") == [("half-of-shells", "50% of shells")]
    assert await entries.suggest("%") == [("half-of-shells", "50% of shells")]
    assert await entries.suggest("_") == []
    assert [slug for slug, _ in await entries.suggest("OTHER")] == ["other-entry"]
    assert len(await entries.suggest("", limit=1)) == 1


async def test_another_handle_sees_every_committed_write(backend: Backend, reopen: Reopen) -> None:
    await backend.entries.add(entry_content(), "ana", NOW)
    async with reopen() as other:
        await other.entries.edit(SLUG, entry_content(importance=3), "ben", NOW)
        assert (await other.entries.get(SLUG)).revision == 2
    assert (await backend.entries.get(SLUG)).content.importance == 3


# No NUL here: SQLite ends a LIKE pattern at it (so it matches everything) and PostgreSQL
# refuses it in text; keeping it out of storage is the use cases' job, not a backend's.
@pytest.mark.parametrize(
    "text", ["'", '"', "\\", "%_%", "'; DROP TABLE entries; --", "😀" * 50, " " * 200]
)
async def test_odd_text_in_lookups_finds_nothing_and_breaks_nothing(
    backend: Backend, text: str
) -> None:
    await backend.entries.add(entry_content(), "ana", NOW)

    assert await backend.entries.suggest(text) == []
    assert await backend.entries.subjects.matching(text, 5) == []
    with pytest.raises(EntryNotFound):
        await backend.entries.get(text)
    assert await backend.entries.count() == 1
