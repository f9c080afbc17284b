"""The rows an entry is stored as (entries, tags, figures, revisions), built without I/O."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.domain.entries import EntryContent, RevisionAction
from bot.storage.codec import content_dict, figure_dict, figures_json, sources_json

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
        revisions.append(
            (
                entry_id,
                1,
                RevisionAction.ADD.value,
                actor,
                at,
                "[]",
                json.dumps(content_dict(content), ensure_ascii=False),
            )
        )
    return entries, tags, figures, revisions


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
