"""An import's new entries go in batches; its progress counts an entry once its batch is in."""

from __future__ import annotations

from bot.domain.import_plan import plan_import
from tests.factories import entry_content


def test_progress_moves_only_after_each_batch_is_stored() -> None:
    contents = [entry_content(slug=f"new-{n}") for n in range(5)]
    plan = plan_import(contents, {})
    heard: list[tuple[int, int]] = []
    stored: list[tuple[int, list[str]]] = []

    for start, chunk in plan.new_batches(2, lambda done, total: heard.append((done, total))):
        assert len(heard) == start  # nothing of this batch is counted before it is stored
        stored.append((start, [c.slug for c in chunk]))

    assert stored == [(0, ["new-0", "new-1"]), (2, ["new-2", "new-3"]), (4, ["new-4"])]
    assert heard == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


def test_a_batch_that_fails_to_store_is_not_counted() -> None:
    plan = plan_import([entry_content(slug="new-one"), entry_content(slug="new-two")], {})
    heard: list[tuple[int, int]] = []

    for _start, _chunk in plan.new_batches(1, lambda done, total: heard.append((done, total))):
        break  # the insert raised: the transaction rolls back and no batch follows

    assert heard == []
