"""Validators for single fields of an entry: text, slugs, dates, choices, status, URLs.

Each takes the raw value and returns it parsed, or raises ``ValueError`` with the sentence
that follows the field name in a problem (``sources[1].url: must start with https://``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from bot.domain.entries import Status
from bot.domain.text import SLUG_MAX, SLUG_PATTERN, has_control_characters, slugify
from bot.domain.text_safety import hidden_character_problem, url_character_problem

TITLE_MAX = 200
SUMMARY_MAX = 600
BODY_MAX = 4000
NAME_MAX = 200
URL_MAX = 2000
MAX_SOURCES = 10
MAX_FIGURES = 25
EARLIEST_DATE = date(1945, 1, 1)
FUTURE_SLACK = timedelta(days=1)


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
