"""The entry store: revisions, soft delete, conflicts, listing and suggestions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.clock import FixedClock
from bot.domain.entries import RevisionAction
from bot.domain.errors import DuplicateSlug, EntryNotFound, StaleRevision
from bot.service import BriefingService
from tests.factories import raw_entry


async def test_add_then_show_by_slug_and_by_id(service: BriefingService, clock: FixedClock) -> None:
    added = await service.add(raw_entry(), "editor-ana")

    by_slug = await service.show("nk-troops-seen-in-kursk")
    by_id = await service.show(str(added.id))

    assert by_slug == by_id == added
    assert added.revision == 1
    assert added.created_by == "editor-ana"
    assert added.created_at == clock.now()


async def test_full_history_add_edit_delete_restore(
    service: BriefingService, clock: FixedClock
) -> None:
    await service.add(raw_entry(), "ana")
    clock.moment += timedelta(hours=1)
    await service.edit(
        "nk-troops-seen-in-kursk",
        raw_entry(title="North Korean troops confirmed in Kursk", status="confirmed"),
        "ben",
    )
    clock.moment += timedelta(hours=1)
    await service.delete("nk-troops-seen-in-kursk", "ana")
    clock.moment += timedelta(hours=1)
    restored = await service.restore("nk-troops-seen-in-kursk", "ben")

    history = await service.history("nk-troops-seen-in-kursk")

    assert [(r.revision, r.action, r.actor) for r in history] == [
        (1, RevisionAction.ADD, "ana"),
        (2, RevisionAction.EDIT, "ben"),
        (3, RevisionAction.DELETE, "ana"),
        (4, RevisionAction.RESTORE, "ben"),
    ]
    assert set(history[1].changed_fields) == {"title", "status"}
    assert history[0].content.title == "North Korean troops seen in Kursk"  # previous version kept
    assert history[1].content.title == "North Korean troops confirmed in Kursk"
    assert history[3].at - history[0].at == timedelta(hours=3)
    assert restored.revision == 4 and not restored.is_deleted
    assert (
        await service.show("nk-troops-seen-in-kursk")
    ).title == "North Korean troops confirmed in Kursk"


async def test_soft_deleted_entry_is_hidden_everywhere_but_kept(service: BriefingService) -> None:
    figure = "1,500 | North Korean troops deployed to Russia | NIS | confirmed"
    await service.add(raw_entry(figures=figure), "ana")
    await service.add(
        raw_entry(slug="another-entry", title="Another development", summary="Talks in Seoul."),
        "ana",
    )

    await service.delete("nk-troops-seen-in-kursk", "ana")

    assert [e.slug for e in (await service.latest()).entries] == ["another-entry"]
    assert (await service.search("Kursk")).hits == ()
    assert (await service.figures()).groups == ()
    assert await service.suggest("kursk") == []
    with pytest.raises(EntryNotFound):
        await service.show("nk-troops-seen-in-kursk")
    kept, _ = await service.entry_history("nk-troops-seen-in-kursk")
    assert kept.is_deleted and kept.title == "North Korean troops seen in Kursk"


async def test_deleting_twice_is_refused(service: BriefingService) -> None:
    await service.add(raw_entry(), "ana")
    await service.delete("nk-troops-seen-in-kursk", "ana")

    with pytest.raises(ValueError, match="already deleted"):
        await service.delete("nk-troops-seen-in-kursk", "ana")


async def test_duplicate_slug_is_refused_on_add_and_on_rename(service: BriefingService) -> None:
    await service.add(raw_entry(), "ana")
    await service.add(raw_entry(slug="second-entry"), "ana")

    with pytest.raises(DuplicateSlug, match="nk-troops-seen-in-kursk"):
        await service.add(raw_entry(), "ben")
    with pytest.raises(DuplicateSlug):
        await service.edit("second-entry", raw_entry(), "ben")

    assert (await service.show("second-entry")).revision == 1


async def test_edit_with_stale_revision_is_refused(service: BriefingService) -> None:
    await service.add(raw_entry(), "ana")
    await service.edit(
        "nk-troops-seen-in-kursk", raw_entry(importance=3), "ana", expected_revision=1
    )

    with pytest.raises(StaleRevision, match="revision 2"):
        await service.edit(
            "nk-troops-seen-in-kursk", raw_entry(importance=1), "ben", expected_revision=1
        )

    assert (await service.show("nk-troops-seen-in-kursk")).content.importance == 3


async def test_nothing_is_written_when_validation_fails(service: BriefingService) -> None:
    with pytest.raises(ValueError):
        await service.add(raw_entry(status="rumoured"), "ana")

    assert await service.count() == 0


async def _add_dated(service: BriefingService) -> None:
    rows = [
        ("deploy-one", "2024-10-18", ["deployment"], ["north-korea"]),
        ("deploy-two", "2024-10-19", ["deployment"], ["ukraine"]),
        ("shells-one", "2024-10-20", ["munitions"], ["north-korea"]),
        ("talks-one", "2024-10-21", ["diplomacy"], ["south-korea"]),
    ]
    for slug, day, topics, actors in rows:
        await service.add(
            raw_entry(slug=slug, title=slug, event_date=day, topics=topics, actors=actors), "ana"
        )


async def test_latest_newest_first_with_filters_and_paging(service: BriefingService) -> None:
    await _add_dated(service)

    first = await service.latest(per_page=3)
    second = await service.latest(per_page=3, page=1)
    deployment = await service.latest(topic="deployment")
    nk_deployment = await service.latest(topic="deployment", actor="north-korea")

    assert [e.slug for e in first.entries] == ["talks-one", "shells-one", "deploy-two"]
    assert first.has_next
    assert [e.slug for e in second.entries] == ["deploy-one"]
    assert not second.has_next
    assert [e.slug for e in deployment.entries] == ["deploy-two", "deploy-one"]
    assert [e.slug for e in nk_deployment.entries] == ["deploy-one"]
    with pytest.raises(ValueError, match="unknown topic"):
        await service.latest(topic="weather")


async def test_timeline_is_oldest_first_within_dates(service: BriefingService) -> None:
    await _add_dated(service)

    window = await service.timeline(date(2024, 10, 19), date(2024, 10, 20))
    by_actor = await service.timeline(None, None, actor="north-korea")

    assert [e.slug for e in window] == ["deploy-two", "shells-one"]
    assert [e.slug for e in by_actor] == ["deploy-one", "shells-one"]
    with pytest.raises(ValueError, match="start date is after"):
        await service.timeline(date(2024, 10, 21), date(2024, 10, 1))


async def test_suggest_treats_percent_and_underscore_literally(service: BriefingService) -> None:
    await service.add(
        raw_entry(slug="half-of-shells", title="50% of shells were North Korean"), "ana"
    )
    await service.add(raw_entry(slug="other-entry", title="Other development"), "ana")

    assert await service.suggest("50%") == [("half-of-shells", "50% of shells were North Korean")]
    assert await service.suggest("%") == [("half-of-shells", "50% of shells were North Korean")]
    assert await service.suggest("_") == []
    assert [slug for slug, _ in await service.suggest("OTHER")] == ["other-entry"]


async def test_slugs_and_ids_never_collide(service: BriefingService) -> None:
    added = await service.add(raw_entry(slug=None, title="2024"), "ana")

    assert (await service.show(added.slug)).id == added.id
    assert (await service.show(str(added.id))).slug == added.slug
