"""The rows an entry is stored as (entries, tags, figures, revisions), built without I/O.

Both backends store the same values; only the SQL around them differs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.domain.entries import Changes, Entry, EntryContent, Revision, RevisionAction
from bot.domain.entry_changes import deletion_action
from bot.storage.codec import (
    changed_fields,
    content_dict,
    content_from_dict,
    figure_dict,
    figures_json,
    parse_stamp,
    sources_json,
)

Rows = list[tuple[Any, ...]]


def insert_rows(
    contents: Sequence[EntryContent], first: int, actor: str, at: str
) -> tuple[Rows, Rows, Rows, Rows]:
    """The entries, tags, figures and revisions rows of new entries numbered from ``first``."""
    entries: Rows = []
    tags: Rows = []
    figures: Rows = []
    revisions: Rows = []
    for entry_id, content in enumerate(contents, start=first):
        entries.append((entry_id, *content_columns(content), actor, at, actor, at))
        tags += tag_rows(entry_id, content)
        figures += figure_rows(entry_id, content)
        revisions.append(revision_row(entry_id, 1, RevisionAction.ADD, actor, at, (), content))
    return entries, tags, figures, revisions


@dataclass(frozen=True, slots=True)
class EditRows:
    """An edit's writes: the entry's new columns (then updated_by, updated_at, revision, id),
    its tags and figures (replacing the old ones), its revision row, and, for a correction,
    what changed."""

    entry: tuple[Any, ...]
    tags: Rows
    figures: Rows
    revision: tuple[Any, ...]
    number: int
    correction: tuple[str, ...] | None


def edit_rows(
    current: Entry, content: EntryContent, actor: str, at: str, correction: Changes | None
) -> EditRows:
    number = current.revision + 1
    changes = changed_fields(current.content, content)
    return EditRows(
        entry=(*content_columns(content), actor, at, number, current.id),
        tags=list(tag_rows(current.id, content)),
        figures=figure_rows(current.id, content),
        revision=revision_row(current.id, number, RevisionAction.EDIT, actor, at, changes, content),
        number=number,
        correction=None if correction is None else correction(current.content, content),
    )


def deletion_rows(
    current: Entry, deleted: bool, actor: str, at: str
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The entry's (deleted_at, updated_by, updated_at, revision, id) and its revision row for
    a delete or restore; raises ``InvalidInput`` when the entry is so already."""
    action = deletion_action(current, deleted)
    number = current.revision + 1
    entry = (at if deleted else None, actor, at, number, current.id)
    return entry, revision_row(current.id, number, action, actor, at, (), current.content)


def revision_row(
    entry_id: int,
    number: int,
    action: RevisionAction,
    actor: str,
    at: str,
    changes: tuple[str, ...],
    content: EntryContent,
) -> tuple[Any, ...]:
    """(entry_id, revision, action, actor, at, changed_fields, content) of a revision."""
    return (
        entry_id,
        number,
        action.value,
        actor,
        at,
        json.dumps(list(changes)),
        json.dumps(content_dict(content), ensure_ascii=False),
    )


def revision_from_row(row: Any) -> Revision:
    """A ``revisions`` row (by column name) as the domain's :class:`Revision`."""
    at = parse_stamp(row["at"])
    assert at is not None
    return Revision(
        entry_id=row["entry_id"],
        revision=row["revision"],
        action=RevisionAction(row["action"]),
        actor=row["actor"],
        at=at,
        changed_fields=tuple(json.loads(row["changed_fields"])),
        content=content_from_dict(json.loads(row["content"])),
        correction=tuple(json.loads(row["correction"])) if row["correction"] else None,
    )


def content_columns(content: EntryContent) -> tuple[Any, ...]:
    return (
        content.slug,
        content.title,
        content.summary,
        content.body,
        content.event_date.isoformat(),
        content.reported_at.isoformat() if content.reported_at else None,
        content.status.value,
        content.importance,
        json.dumps(list(content.topics)),
        json.dumps(list(content.actors)),
        sources_json(content.sources),
        figures_json(content.figures),
        content.event_date_basis.value,
    )


TAG_INSERT = "INSERT INTO entry_tags (kind, tag, event_date, entry_id) VALUES (?, ?, ?, ?)"
FIGURE_INSERT = (
    "INSERT INTO figures (entry_id, position, subject, value, display, counts, claimed_by,"
    " status, claim) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
REVISION_INSERT = (
    "INSERT INTO revisions (entry_id, revision, action, actor, at, changed_fields, content)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def tagged_query(
    first: str, second: str, topic: str | None, actor: str | None
) -> tuple[str, tuple[Any, ...]]:
    """A listing by topic and/or actor (at least one): ``first`` selects by one (kind, tag),
    the topic if given; with both, ``second`` (the test on the other tag) follows it.

    Returns the SQL and its parameters, (kind, tag) then the second's (kind, tag).
    """
    tags = [(kind, tag) for kind, tag in (("topic", topic), ("actor", actor)) if tag]
    sql = first + (second if len(tags) > 1 else "")
    return sql, tuple(value for pair in tags for value in pair)


def tag_rows(entry_id: int, content: EntryContent) -> list[tuple[str, str, str, int]]:
    day = content.event_date.isoformat()
    tags = [("topic", t, day, entry_id) for t in content.topics]
    return tags + [("actor", a, day, entry_id) for a in content.actors]


def figure_rows(entry_id: int, content: EntryContent) -> list[tuple[Any, ...]]:
    return [
        (
            entry_id,
            i,
            f.subject,
            f.value,
            f.display,
            f.counts,
            f.originator,
            f.status.value,
            json.dumps(figure_dict(f), ensure_ascii=False),
        )
        for i, f in enumerate(content.figures)
    ]
