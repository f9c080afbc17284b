"""A deleted entry stays deleted until an editor restores it: imports and edits respect that."""

from __future__ import annotations

import pytest

from bot.service import BriefingService

from .conftest import BRIEFS, NIS_SLUG
from .test_import_export import import_folder


async def test_reimporting_briefs_does_not_undo_a_delete(service: BriefingService) -> None:
    await import_folder(service, BRIEFS)
    await service.delete(NIS_SLUG, "editor")

    result = await import_folder(service, BRIEFS)

    assert result.skipped_deleted == (NIS_SLUG,)
    assert NIS_SLUG not in result.updated
    latest = await service.latest(25)
    assert NIS_SLUG not in [entry.slug for entry in latest.entries]


async def test_editing_a_deleted_entry_asks_to_restore_it_first(service: BriefingService) -> None:
    await import_folder(service, BRIEFS)
    entry = await service.show(NIS_SLUG)
    await service.delete(NIS_SLUG, "editor")
    raw = {
        "slug": NIS_SLUG,
        "title": "Changed title",
        "summary": entry.content.summary,
        "event_date": entry.content.event_date.isoformat(),
        "topics": list(entry.content.topics),
        "actors": list(entry.content.actors),
        "status": entry.content.status.value,
        "sources": [{"name": "Kyiv Post", "url": "https://www.kyivpost.com/"}],
    }

    with pytest.raises(ValueError, match="restore it before editing"):
        await service.edit(NIS_SLUG, raw, "editor")

    history = await service.history(NIS_SLUG)
    assert [rev.action.value for rev in history] == ["add", "delete"]
