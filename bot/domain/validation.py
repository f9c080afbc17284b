"""Validation of entry input: every problem at once, each naming its field.

Input comes from brief files (typed YAML values), Discord modals and the CLI (strings), so
each field accepts both its typed form and its text form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from bot.domain.entries import EntryContent, Figure, Source, Status
from bot.domain.errors import Rejected
from bot.domain.figure_validation import validate_figure
from bot.domain.provenance import parse_date_basis
from bot.domain.text import SLUG_MAX, SLUG_PATTERN, has_control_characters, slugify
from bot.domain.text_safety import hidden_character_problem, url_character_problem
from bot.domain.vocabulary import Vocabulary

TITLE_MAX = 200
SUMMARY_MAX = 600
BODY_MAX = 4000
NAME_MAX = 200
URL_MAX = 2000
MAX_SOURCES = 10
MAX_FIGURES = 25
EARLIEST_DATE = date(1945, 1, 1)
FUTURE_SLACK = timedelta(days=1)

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


def text_field(
    value: Any, limit: int, *, required: bool = True, multiline: bool = True
) -> str | None:
    """A trimmed text of at most ``limit`` characters."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError("is required")
        return None
    if not isinstance(value, str):
        raise ValueError("must be text")
    text = value.strip()
    if len(text) > limit:
        raise ValueError(f"is {len(text)} characters; at most {limit} allowed")
    if not multiline and ("\n" in text or "\r" in text):
        raise ValueError("must be a single line")
    if has_control_characters(text, allow_newlines=multiline):
        raise ValueError("contains control characters")
    # Refused in multi-line fields too: a summary reaches every digest, and stripping would
    # silently store something other than what the editor wrote.
    if hidden := hidden_character_problem(text):
        raise ValueError(hidden)
    return text


def slug_field(value: Any, title: str) -> str:
    """The entry's stable key: given, or derived from the title."""
    if value is None or (isinstance(value, str) and not value.strip()):
        derived = slugify(title)
        if derived.isdigit():
            derived = slugify(f"entry {derived}")
        if not derived and title:
            raise ValueError("cannot be derived from the title; give one (a-z, 0-9, hyphens)")
        return derived or "untitled"
    if not isinstance(value, str):
        raise ValueError("must be text")
    slug = value.strip()
    if not SLUG_PATTERN.match(slug) or not 3 <= len(slug) <= SLUG_MAX:
        raise ValueError(f"must be 3–{SLUG_MAX} lowercase letters, digits and single hyphens")
    if slug.isdigit():
        raise ValueError("must contain a letter or hyphen (a number alone is read as an entry id)")
    return slug


def date_field(value: Any, latest: date, *, required: bool = True) -> date | None:
    """A calendar date (``YYYY-MM-DD``) between 1945 and tomorrow."""
    if value is None or value == "":
        if required:
            raise ValueError("is required (YYYY-MM-DD)")
        return None
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value.strip()[:40]}' is not a valid date (YYYY-MM-DD)") from None
    else:
        raise ValueError("must be a date (YYYY-MM-DD)")
    return _within_range(parsed, latest)


def datetime_field(value: Any, latest: date) -> datetime | None:
    """An optional moment; text without an offset is taken as UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value.strip()[:40]}' is not a valid ISO 8601 date-time") from None
    else:
        raise ValueError("must be an ISO 8601 date-time")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    _within_range(parsed.astimezone(UTC).date(), latest)
    return parsed


def _within_range(value: date, latest: date) -> date:
    if value < EARLIEST_DATE:
        raise ValueError(f"{value.isoformat()} is before {EARLIEST_DATE.year}")
    if value > latest:
        raise ValueError(f"{value.isoformat()} is in the future")
    return value


def choice_list(value: Any, allowed: Sequence[str]) -> tuple[str, ...]:
    """One or more values from ``allowed``: a list, or text separated by commas or spaces."""
    if isinstance(value, str):
        items: list[Any] = value.replace(",", " ").split()
    elif isinstance(value, list | tuple):
        items = list(value)
    elif value is None:
        items = []
    else:
        raise ValueError("must be a list")
    if not items:
        raise ValueError(f"choose at least one of: {', '.join(allowed)}")
    chosen: list[str] = []
    unknown: list[str] = []
    for item in items:
        if not isinstance(item, str | int | float):  # never str() a container: it may be huge
            raise ValueError(f"each item must be a name, not a {type(item).__name__}")
        name = str(item).strip().lower()
        if name not in allowed:
            unknown.append(str(item)[:40])
        elif name not in chosen:
            chosen.append(name)
    if unknown:
        raise ValueError(f"unknown {', '.join(unknown)}; choose from: {', '.join(allowed)}")
    return tuple(chosen)


def status_field(value: Any) -> Status:
    """One of confirmed, reported, unconfirmed, disputed, denied."""
    if value is None or value == "":
        raise ValueError("is required: " + ", ".join(s.value for s in Status))
    if not isinstance(value, str | int | float):
        raise ValueError(f"must be one of the statuses, not a {type(value).__name__}")
    try:
        return Status(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in Status)
        raise ValueError(f"'{str(value)[:40]}' is not one of: {choices}") from None


def importance_field(value: Any) -> int:
    """1 (background) to 3 (major); 2 when not given."""
    if value is None or value == "":
        return 2
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("must be 1, 2 or 3")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError("must be 1, 2 or 3") from None
    if number not in (1, 2, 3):
        raise ValueError("must be 1, 2 or 3")
    return number


def url_field(value: Any) -> str:
    """An absolute http(s) address with a host."""
    text = text_field(value, URL_MAX, multiline=False)
    assert text is not None
    if problem := url_character_problem(text):
        raise ValueError(problem)
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("must start with http:// or https://")
    if not parts.hostname:
        raise ValueError("is not a valid web address")
    return text


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
