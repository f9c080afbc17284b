"""Entry content to and from the JSON the database stores (entry columns and revisions)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from bot.domain.claims import infer_qualifier, parse_qualifier
from bot.domain.entries import Entry, EntryContent, Figure, Source, Status
from bot.domain.provenance import parse_date_basis


def stamp(moment: datetime) -> str:
    """A fixed-width ISO 8601 UTC text, so stored times sort as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_stamp(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def sources_json(sources: tuple[Source, ...]) -> str:
    return json.dumps([source_dict(s) for s in sources], ensure_ascii=False)


def source_dict(source: Source) -> dict[str, Any]:
    data = {
        "name": source.name,
        "url": source.url,
        "published": source.published and source.published.isoformat(),
    }
    return data | ({"outlet": source.outlet} if source.outlet else {})


def source_from_dict(data: Mapping[str, Any]) -> Source:
    published = data.get("published")
    return Source(
        data["name"],
        data.get("url") or None,
        date.fromisoformat(published) if published else None,
        data.get("outlet") or None,
    )


def figures_json(figures: tuple[Figure, ...]) -> str:
    return json.dumps([figure_dict(f) for f in figures], ensure_ascii=False)


def figure_dict(figure: Figure) -> dict[str, Any]:
    return {
        "value": figure.value,
        **({"high": figure.high} if figure.high is not None else {}),
        "display": figure.display,
        "qualifier": figure.qualifier.value,
        "unit": figure.unit,
        "counts": figure.counts,
        "subject": figure.subject,
        "originator": figure.originator,
        "relays": list(figure.relays),
        "status": figure.status.value,
    }


def figure_from_dict(data: Mapping[str, Any]) -> Figure:
    """A stored figure; records written before claims had qualifiers and originators
    (``claimed_by``, no ``qualifier``) read with the hedge their display text expresses."""
    qualifier = data.get("qualifier")
    high = data.get("high")
    return Figure(
        value=float(data["value"]),
        display=data["display"],
        counts=data["counts"],
        subject=data["subject"],
        originator=data.get("originator") or data["claimed_by"],
        status=Status(data["status"]),
        qualifier=parse_qualifier(qualifier) if qualifier else infer_qualifier(data["display"]),
        unit=data.get("unit") or "",
        relays=tuple(data.get("relays") or ()),
        high=float(high) if high is not None else None,
    )


def content_dict(content: EntryContent) -> dict[str, Any]:
    """The content as plain JSON-able values (the revision snapshot format)."""
    return {
        "slug": content.slug,
        "title": content.title,
        "summary": content.summary,
        "body": content.body,
        "event_date": content.event_date.isoformat(),
        "event_date_basis": content.event_date_basis.value,
        "reported_at": content.reported_at.isoformat() if content.reported_at else None,
        "topics": list(content.topics),
        "actors": list(content.actors),
        "status": content.status.value,
        "importance": content.importance,
        "sources": json.loads(sources_json(content.sources)),
        "figures": [figure_dict(f) for f in content.figures],
    }


def content_from_dict(data: Mapping[str, Any]) -> EntryContent:
    """Rebuild content from :func:`content_dict` output (already validated when stored)."""
    return EntryContent(
        slug=data["slug"],
        title=data["title"],
        summary=data["summary"],
        body=data.get("body") or "",
        event_date=date.fromisoformat(data["event_date"]),
        reported_at=parse_stamp(data.get("reported_at")),
        topics=tuple(data["topics"]),
        actors=tuple(data["actors"]),
        status=Status(data["status"]),
        importance=int(data["importance"]),
        sources=tuple(source_from_dict(s) for s in data["sources"]),
        figures=tuple(figure_from_dict(f) for f in data["figures"]),
        event_date_basis=parse_date_basis(data.get("event_date_basis")),
    )


ENTRY_COLUMNS = (
    "id, slug, title, summary, body, event_date, reported_at, status, importance, topics, "
    "actors, sources, figures, created_by, created_at, updated_by, updated_at, revision, "
    "deleted_at, event_date_basis"
)


def prefixed_columns(prefix: str) -> str:
    """``ENTRY_COLUMNS`` qualified with a table alias (``e.id, e.slug, …``)."""
    return ", ".join(prefix + column.strip() for column in ENTRY_COLUMNS.split(","))


def entry_from_row(row: sqlite3.Row) -> Entry:
    """Rebuild an :class:`Entry` from a row selected with ``ENTRY_COLUMNS``."""
    content = content_from_dict(
        {
            **{key: row[key] for key in ("slug", "title", "summary", "body", "event_date")},
            "reported_at": row["reported_at"],
            "event_date_basis": row["event_date_basis"],
            "status": row["status"],
            "importance": row["importance"],
            "topics": json.loads(row["topics"]),
            "actors": json.loads(row["actors"]),
            "sources": json.loads(row["sources"]),
            "figures": json.loads(row["figures"]),
        }
    )
    created_at = parse_stamp(row["created_at"])
    updated_at = parse_stamp(row["updated_at"])
    assert created_at is not None and updated_at is not None
    return Entry(
        id=row["id"],
        content=content,
        created_by=row["created_by"],
        created_at=created_at,
        updated_by=row["updated_by"],
        updated_at=updated_at,
        revision=row["revision"],
        deleted_at=parse_stamp(row["deleted_at"]),
    )


def changed_fields(before: EntryContent, after: EntryContent) -> tuple[str, ...]:
    """Names of the content fields that differ between two versions."""
    old, new = content_dict(before), content_dict(after)
    return tuple(key for key in new if old.get(key) != new[key])
