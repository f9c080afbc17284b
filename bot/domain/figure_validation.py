"""Validation of figure input: a claim's number, its hedge, its unit and its provenance.

Brief files give typed mappings; entry forms give ``display | counts | claimed by | status
| subject`` lines, where "claimed by" may read ``NIS (relayed by President Yoon)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sized
from typing import Any, Protocol, TypeVar

from bot.domain.claims import (
    Qualifier,
    display_problem,
    infer_qualifier,
    parse_qualifier,
    split_claimant,
)
from bot.domain.entries import Figure, Status
from bot.domain.figures import parse_figure_value
from bot.domain.text import SLUG_PATTERN, slugify

T = TypeVar("T")

DISPLAY_MAX = 60
NAME_MAX = 200
UNIT_MAX = 40
MAX_RELAYS = 10
FIGURE_FIELDS = frozenset(
    {
        "display",
        "value",
        "high",
        "qualifier",
        "unit",
        "counts",
        "subject",
        "originator",
        "claimed_by",
        "relays",
        "status",
    }
)


class Collects(Protocol):
    """The validation collector: records problems, runs a field's parser."""

    @property
    def problems(self) -> Sized: ...
    def add(self, field: str, message: str) -> None: ...
    def check(self, field: str, parse: Callable[[], T]) -> T | None: ...


TextField = Callable[..., str | None]
StatusField = Callable[[Any], Status]


def validate_figure(
    row: Mapping[str, Any],
    where: str,
    found: Collects,
    text_field: TextField,
    status_field: StatusField,
) -> Figure | None:
    """One figure, or None with its problems added to ``found``."""
    before = len(found.problems)
    unknown = (str(k) for k in row if not str(k).startswith("_") and k not in FIGURE_FIELDS)
    for name in sorted(unknown):
        found.add(f"{where}.{name}", "unknown field")
    given = found.check(f"{where}.qualifier", lambda: _qualifier(row))
    display = found.check(f"{where}.display", lambda: _display(row, given, text_field))
    qualifier = given or infer_qualifier(display or "")
    counts = found.check(
        f"{where}.counts", lambda: text_field(row.get("counts"), NAME_MAX, multiline=False)
    )
    # Problems are reported under the name the input used (forms and old files: claimed_by).
    named = "originator" if row.get("originator") not in (None, "") else "claimed_by"
    claimant = found.check(f"{where}.{named}", lambda: _claimant(row, text_field))
    relays = found.check(
        f"{where}.relays", lambda: _relays(row.get("relays"), claimant, text_field)
    )
    unit = found.check(
        f"{where}.unit",
        lambda: text_field(row.get("unit"), UNIT_MAX, required=False, multiline=False),
    )
    status = found.check(f"{where}.status", lambda: status_field(row.get("status")))
    value = high = None
    if display is not None or row.get("value") not in (None, ""):  # else display said why
        value = found.check(f"{where}.value", lambda: figure_value(row.get("value"), display))
        high = found.check(
            f"{where}.high", lambda: _high(row.get("high"), qualifier, display, value)
        )
    subject = found.check(f"{where}.subject", lambda: _subject(row.get("subject"), counts or ""))
    if len(found.problems) > before:
        return None
    assert display and counts and claimant and status and subject and value is not None
    originator, relayed = claimant
    return Figure(
        value=value,
        display=display,
        counts=counts,
        subject=subject,
        originator=originator,
        status=status,
        qualifier=qualifier,
        unit=unit or "",
        relays=tuple(dict.fromkeys(relayed + (relays or ()))),
        high=high,
    )


def _qualifier(row: Mapping[str, Any]) -> Qualifier | None:
    given = row.get("qualifier")
    return parse_qualifier(given) if given not in (None, "") else None


def _display(row: Mapping[str, Any], qualifier: Qualifier | None, text_field: TextField) -> str:
    """The number as the source writes it; it must say what the qualifier says."""
    raw = row.get("display")
    number = row.get("value")
    if raw is None and isinstance(number, int | float | str):  # never str() a container
        number_text = f"{number:,}" if isinstance(number, int) else str(number)
        plain = qualifier in (None, Qualifier.EXACTLY, Qualifier.RANGE)
        raw = number_text if plain else f"{qualifier.words} {number_text}"  # type: ignore[union-attr]
    display = text_field(raw, DISPLAY_MAX, multiline=False)
    assert display is not None
    if qualifier is not None:
        problem = display_problem(display, qualifier)
        if problem is not None:
            raise ValueError(problem)
    return display


def _claimant(row: Mapping[str, Any], text_field: TextField) -> tuple[str, tuple[str, ...]]:
    originator, claimed_by = row.get("originator"), row.get("claimed_by")
    both = isinstance(originator, str) and originator and isinstance(claimed_by, str) and claimed_by
    if both and originator != claimed_by:
        raise ValueError("give originator (claimed_by is its old name), not both")
    text = text_field(originator or claimed_by, NAME_MAX, multiline=False)
    assert text is not None
    return split_claimant(text)


def _relays(
    value: Any, claimant: tuple[str, tuple[str, ...]] | None, text_field: TextField
) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    items = value.split(";") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValueError("must be a list of names")
    if len(items) > MAX_RELAYS:
        raise ValueError(f"{len(items)} given; at most {MAX_RELAYS} allowed")
    relays = tuple(text_field(item, NAME_MAX, multiline=False) or "" for item in items)
    if claimant is not None and claimant[0].casefold() in (r.casefold() for r in relays):
        raise ValueError("the originator cannot also relay its own claim")
    return tuple(dict.fromkeys(r for r in relays if r))


def figure_value(value: Any, display: str | None) -> float:
    if value is None or value == "":
        parsed = parse_figure_value(display or "")
        if parsed is None:
            raise ValueError(
                "no number found; write it with digits, e.g. '1,500' or 'up to 12,000'"
            )
        return parsed
    return _number(value)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("must be a number")
    try:
        number = float(str(value).replace(",", ""))
    except ValueError:
        raise ValueError("must be a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("must be a finite number")
    return number


_SECOND_NUMBER = re.compile(r"(?:–|—|-|to|and)\s*(.+)$", re.I)


def _high(
    value: Any, qualifier: Qualifier | None, display: str | None, low: float | None
) -> float | None:
    """The top of a range: given, or the second number of a display like '1,000–2,000'."""
    if qualifier is not Qualifier.RANGE:
        if value not in (None, ""):
            raise ValueError("only a range (qualifier: range) has a high value")
        return None
    if value in (None, ""):
        match = _SECOND_NUMBER.search(display or "")
        parsed = parse_figure_value(match.group(1)) if match else None
        if parsed is None:
            raise ValueError("a range needs its high value, e.g. high: 2000")
        high = parsed
    else:
        high = _number(value)
    if low is not None and high <= low:
        raise ValueError(f"must be above the low value ({low:g})")
    return high


def _subject(value: Any, counts: str) -> str:
    if value is None or value == "":
        return slugify(counts) or "figure"
    if not isinstance(value, str) or not SLUG_PATTERN.match(value.strip()):
        raise ValueError("must be lowercase letters, digits and hyphens")
    return value.strip()
