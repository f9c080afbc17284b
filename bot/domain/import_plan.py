"""What an import will do to each entry, decided once for every storage backend."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from bot.domain.entries import Entry, EntryContent, ImportResult, ProgressCallback


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

    def new_batches(
        self, size: int, progress: ProgressCallback | None = None
    ) -> Iterator[tuple[int, list[EntryContent]]]:
        """The new entries ``size`` at a time, each batch with its offset in :attr:`new`.

        ``progress`` hears (done, total) for each entry of a batch once the caller asks for
        the next batch, that is once it has stored this one; the entries that needed no
        insert count as done from the start.
        """
        total = len(self.new) + len(self.updates) + len(self.unchanged) + len(self.skipped_deleted)
        done = total - len(self.new)
        for start in range(0, len(self.new), size):
            chunk = self.new[start : start + size]
            yield start, chunk
            if progress is not None:
                for _ in chunk:
                    done += 1
                    progress(done, total)


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
