"""What an import will do to each entry, decided once for every storage backend."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.domain.entries import Entry, EntryContent, ImportResult


@dataclass(slots=True)
class ImportPlan:
    """New entries to insert, changed ones to update, and each slug's outcome in order."""

    new: list[EntryContent] = field(default_factory=list)
    updates: list[tuple[Entry, EntryContent]] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # An import never quietly undoes an editor's delete.
    skipped_deleted: list[str] = field(default_factory=list)

    def result(self) -> ImportResult:
        updated = tuple(current.slug for current, _ in self.updates)
        return ImportResult(
            tuple(self.added), updated, tuple(self.unchanged), tuple(self.skipped_deleted)
        )


def plan_import(contents: Sequence[EntryContent], existing: Mapping[str, Entry]) -> ImportPlan:
    """Sort ``contents`` against the stored entries with the same slugs."""
    plan = ImportPlan()
    for content in contents:
        current = existing.get(content.slug)
        if current is None:
            plan.new.append(content)
            plan.added.append(content.slug)
        elif current.is_deleted:
            plan.skipped_deleted.append(content.slug)
        elif current.content == content:
            plan.unchanged.append(content.slug)
        else:
            plan.updates.append((current, content))
    return plan
