"""Validation of entry input: every problem at once, each naming its field.

Input comes from brief files (typed YAML values), Discord modals and the CLI (strings), so
each field accepts both its typed form and its text form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from bot.domain.entries import EntryContent, Figure, Source
from bot.domain.errors import Rejected
from bot.domain.field_validation import (
    BODY_MAX,
    FUTURE_SLACK,
    MAX_FIGURES,
    MAX_SOURCES,
    NAME_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    choice_list,
    date_field,
    datetime_field,
    importance_field,
    slug_field,
    status_field,
    text_field,
    url_field,
)
from bot.domain.figure_validation import validate_figure
from bot.domain.provenance import parse_date_basis
from bot.domain.vocabulary import Vocabulary

__all__ = [
    "BODY_MAX",
    "SUMMARY_MAX",
    "TITLE_MAX",
    "EntryValidationError",
    "Problem",
    "choice_list",
    "validate_entry",
]


KNOWN_FIELDS = frozenset(
    {
        "slug",
        "title",
        "summary",
        "body",
        "event_date",
        "event_date_basis",
        "reported_at",
        "topics",
        "actors",
        "status",
        "importance",
        "sources",
        "figures",
    }
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, e.g. ``sources[2].url: must start with https://``."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class EntryValidationError(Rejected):
    """Raised with every problem found; nothing may be written when it is raised."""

    heading = "That entry was not saved:"
    problems: tuple[Problem, ...]

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems), problems)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, field: str, message: str) -> None:
        self.problems.append(Problem(field, message))

    def check(self, field: str, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except ValueError as error:
            self.add(field, str(error))
            return None


def validate_entry(raw: Mapping[str, Any], vocabulary: Vocabulary, today: date) -> EntryContent:
    """Turn raw input into an :class:`EntryContent`, or raise with every problem found."""
    found = _Collector()
    for unknown in sorted(set(raw) - KNOWN_FIELDS):
        found.add(unknown, "unknown field")
    latest = today + FUTURE_SLACK
    title = found.check("title", lambda: text_field(raw.get("title"), TITLE_MAX, multiline=False))
    summary = found.check("summary", lambda: text_field(raw.get("summary"), SUMMARY_MAX))
    body = found.check("body", lambda: text_field(raw.get("body"), BODY_MAX, required=False))
    slug = found.check("slug", lambda: slug_field(raw.get("slug"), title or ""))
    event_date = found.check("event_date", lambda: date_field(raw.get("event_date"), latest))
    date_basis = found.check(
        "event_date_basis", lambda: parse_date_basis(raw.get("event_date_basis"))
    )
    reported_at = found.check("reported_at", lambda: datetime_field(raw.get("reported_at"), latest))
    topics = found.check("topics", lambda: choice_list(raw.get("topics"), vocabulary.topics))
    actors = found.check("actors", lambda: choice_list(raw.get("actors"), vocabulary.actors))
    status = found.check("status", lambda: status_field(raw.get("status")))
    importance = found.check("importance", lambda: importance_field(raw.get("importance")))
    sources = _sources(raw.get("sources"), found, latest)
    figures = _figures(raw.get("figures"), found)
    if found.problems:
        raise EntryValidationError(found.problems)
    assert title and summary and slug and event_date and topics and actors and status
    assert importance is not None and sources is not None and figures is not None
    assert date_basis is not None
    return EntryContent(
        slug=slug,
        title=title,
        summary=summary,
        body=body or "",
        event_date=event_date,
        reported_at=reported_at,
        topics=topics,
        actors=actors,
        status=status,
        importance=importance,
        sources=sources,
        figures=figures,
        event_date_basis=date_basis,
    )


def _as_mapping_list(value: Any, keys: Sequence[str], what: str) -> list[Mapping[str, Any]]:
    """Lists of mappings pass through; text lines ``a | b | c`` become mappings."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [line for line in value.splitlines() if line.strip()]
    if not isinstance(value, list | tuple):
        raise ValueError(f"must be a list of {what}")
    rows: list[Mapping[str, Any]] = []
    for item in value:
        if isinstance(item, str):
            cells = [cell.strip() for cell in item.split("|")]
            rows.append(dict(zip(keys, cells, strict=False)) | {"_cells": len(cells)})
        elif isinstance(item, Mapping):  # its own "_cells"/"_invalid" keys must not count
            rows.append({k: v for k, v in item.items() if k not in ("_cells", "_invalid")})
        else:
            rows.append({"_invalid": True})
    return rows


_SOURCE_KEYS = ("name", "url", "published", "outlet")


def _sources(value: Any, found: _Collector, latest: date) -> tuple[Source, ...] | None:
    try:
        rows = _as_mapping_list(value, _SOURCE_KEYS, "sources")
    except ValueError as error:
        found.add("sources", str(error))
        return None
    if not rows:
        found.add("sources", "at least one source is required (Name | https://…)")
        return None
    if len(rows) > MAX_SOURCES:
        found.add("sources", f"{len(rows)} given; at most {MAX_SOURCES} allowed")
        return None
    sources = [
        _source(row, f"sources[{index}]", found, latest) for index, row in enumerate(rows, 1)
    ]
    return tuple(source for source in sources if source is not None)


def _source(row: Mapping[str, Any], where: str, found: _Collector, latest: date) -> Source | None:
    if row.get("_invalid") or row.get("_cells", 2) < 2:
        found.add(where, "write each source as: Name | https://address")
        return None
    name = found.check(
        f"{where}.name", lambda: text_field(row.get("name"), NAME_MAX, multiline=False)
    )
    # A source may have no link ("no link given"); a given one must be a real address.
    given = row.get("url")
    linked = given not in (None, "", "-")
    url = found.check(f"{where}.url", lambda: url_field(given)) if linked else None
    published = found.check(
        f"{where}.published", lambda: date_field(row.get("published"), latest, required=False)
    )
    outlet = found.check(
        f"{where}.outlet",
        lambda: text_field(row.get("outlet"), NAME_MAX, required=False, multiline=False),
    )
    if name and (url or not linked):
        return Source(name=name, url=url, published=published, outlet=outlet)
    return None


_FIGURE_KEYS = ("display", "counts", "claimed_by", "status", "subject")


def _figures(value: Any, found: _Collector) -> tuple[Figure, ...] | None:
    try:
        rows = _as_mapping_list(value, _FIGURE_KEYS, "figures")
    except ValueError as error:
        found.add("figures", str(error))
        return None
    if len(rows) > MAX_FIGURES:
        found.add("figures", f"{len(rows)} given; at most {MAX_FIGURES} allowed")
        return None
    figures: list[Figure] = []
    for index, row in enumerate(rows, start=1):
        where = f"figures[{index}]"
        if row.get("_invalid") or row.get("_cells", 4) < 4:
            found.add(where, "write each figure as: value | what it counts | claimed by | status")
            continue
        figure = validate_figure(row, where, found, text_field, status_field)
        if figure is not None:
            figures.append(figure)
    return tuple(figures)
