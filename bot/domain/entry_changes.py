"""The checks an entry write makes before it changes anything, the same on every backend."""

from __future__ import annotations

from bot.domain.entries import Entry, RevisionAction
from bot.domain.errors import DuplicateSlug, EntryNotFound, InvalidInput, StaleRevision


def duplicate_slug(slug: str) -> DuplicateSlug:
    return DuplicateSlug(f"another entry already uses the slug '{slug}'")


def entry_not_found(ref: str) -> EntryNotFound:
    return EntryNotFound(f"no entry '{ref[:80]}'")


def check_editable(current: Entry, expected_revision: int | None) -> None:
    """A deleted entry is restored before it is edited; an edit made from an older revision
    than the stored one would silently undo someone else's change."""
    if current.is_deleted:
        raise InvalidInput(f"{current.slug} is deleted; restore it before editing")
    if expected_revision is not None and current.revision != expected_revision:
        raise StaleRevision(
            f"{current.slug} was changed by {current.updated_by} "
            f"(now revision {current.revision}); reopen it and try again"
        )


def deletion_action(current: Entry, deleted: bool) -> RevisionAction:
    """The revision a delete (or restore) records; deleting twice is a mistake, not a no-op."""
    if current.is_deleted == deleted:
        state = "already deleted" if deleted else "not deleted"
        raise InvalidInput(f"{current.slug} is {state}")
    return RevisionAction.DELETE if deleted else RevisionAction.RESTORE
