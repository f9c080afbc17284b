"""Claims: how a number is hedged in its source (its qualifier) and who said it first.

A figure keeps the source's own words ("at least 1,500", "as many as 12,000") in its
display text and the hedge as a field, so a renderer can never show an estimate as a
minimum or a possible commitment as a count. Validation checks that the two agree.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Qualifier(StrEnum):
    """How the source bounds or hedges a number."""

    EXACTLY = "exactly"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    UP_TO = "up_to"
    AS_MANY_AS = "as_many_as"
    ABOUT = "about"
    MORE_THAN = "more_than"
    FEWER_THAN = "fewer_than"
    RANGE = "range"

    @property
    def words(self) -> str:
        """The qualifier as a reader says it ("at least")."""
        return self.value.replace("_", " ")

    @property
    def direction(self) -> int:
        """+1 for a floor (the true number may be higher), -1 for a ceiling, 0 otherwise."""
        if self in (Qualifier.AT_LEAST, Qualifier.MORE_THAN):
            return 1
        if self in (Qualifier.AT_MOST, Qualifier.UP_TO, Qualifier.AS_MANY_AS, Qualifier.FEWER_THAN):
            return -1
        return 0


# The phrases a source uses for each hedge. "up to" and "as many as" are kept apart on
# purpose: an editor must not turn one into the other.
PHRASES: dict[Qualifier, tuple[str, ...]] = {
    Qualifier.AT_LEAST: ("at least", "no fewer than", "no less than", "a minimum of"),
    Qualifier.AT_MOST: ("at most", "no more than", "a maximum of"),
    Qualifier.UP_TO: ("up to",),
    Qualifier.AS_MANY_AS: ("as many as", "as much as"),
    Qualifier.ABOUT: (
        "approximately",
        "about",
        "around",
        "roughly",
        "some",
        "circa",
        "an estimated",
        "estimated",
        "nearly",
        "almost",
        "~",
    ),
    Qualifier.MORE_THAN: ("more than", "over", "above", "in excess of", "upwards of"),
    Qualifier.FEWER_THAN: ("fewer than", "less than", "under", "below"),
}

_PHRASE_PATTERNS = [
    (qualifier, phrase, re.compile(rf"(?<![\w]){re.escape(phrase)}(?![\w])", re.I))
    for qualifier, phrases in PHRASES.items()
    for phrase in phrases
]
_NUMBER = r"\d[\d,.]*\s*(?:thousand|million|billion|k|m|bn)?"
_RANGE = re.compile(rf"{_NUMBER}\s*(?:–|—|-|to|and)\s*{_NUMBER}", re.I)
ALIASES = {"approximately": Qualifier.ABOUT, "approx": Qualifier.ABOUT, "around": Qualifier.ABOUT}


def parse_qualifier(value: object) -> Qualifier:
    """A qualifier from its name, with spaces, hyphens or underscores ("at least")."""
    if not isinstance(value, str):  # never str() a container (it may be an alias bomb)
        raise ValueError(f"must be one of the qualifiers, not a {type(value).__name__}")
    text = value.strip().lower().replace("-", "_").replace(" ", "_")
    if text in ALIASES:
        return ALIASES[text]
    try:
        return Qualifier(text)
    except ValueError:
        choices = ", ".join(q.words for q in Qualifier)
        raise ValueError(f"'{str(value)[:40]}' is not one of: {choices}") from None


def found_phrase(display: str) -> tuple[Qualifier, str]:
    """The hedge a display text expresses, and the words that express it.

    A range ("1,000–2,000", "between 1,000 and 2,000") wins; otherwise the earliest hedge
    phrase; no phrase means the number is stated plainly (``exactly``).
    """
    match = _RANGE.search(display)
    if match is not None:
        return Qualifier.RANGE, match.group(0)
    best: tuple[int, int, Qualifier, str] | None = None
    for qualifier, phrase, pattern in _PHRASE_PATTERNS:
        hit = pattern.search(display)
        if hit is not None:
            key = (hit.start(), -len(phrase), qualifier, phrase)
            if best is None or key[:2] < best[:2]:
                best = key
    if best is None:
        return Qualifier.EXACTLY, ""
    return best[2], best[3]


def infer_qualifier(display: str) -> Qualifier:
    """The qualifier of a display text (used for records written before qualifiers)."""
    return found_phrase(display)[0]


def display_problem(display: str, qualifier: Qualifier) -> str | None:
    """Why ``display`` misstates ``qualifier``, or None when the two agree."""
    found, phrase = found_phrase(display)
    if found is qualifier:
        return None
    if qualifier is Qualifier.EXACTLY:
        return (
            f"'{display}' says '{phrase}', but the qualifier is 'exactly'; "
            f"set qualifier: {found.value}"
        )
    if found is Qualifier.EXACTLY:
        return (
            f"'{display}' drops the qualifier '{qualifier.words}'; write the number as the "
            f"source does, e.g. '{qualifier.words} {display}'"
        )
    return (
        f"'{display}' says '{phrase}', but the qualifier is '{qualifier.words}'; "
        "write the number as the source does"
    )


_RELAYED = re.compile(r"^(?P<originator>.+?)\s*\(relayed by (?P<relays>[^()]+)\)\s*$", re.I)


def split_claimant(text: str) -> tuple[str, tuple[str, ...]]:
    """``"NIS (relayed by President Yoon; Dong-A Ilbo)"`` → originator and relays."""
    match = _RELAYED.match(text.strip())
    if match is None:
        return text.strip(), ()
    relays = tuple(r.strip() for r in match.group("relays").split(";") if r.strip())
    return match.group("originator").strip(), relays


def claimant_text(originator: str, relays: tuple[str, ...]) -> str:
    """Who first claimed a number, and who repeated it: the inverse of :func:`split_claimant`."""
    return f"{originator} (relayed by {'; '.join(relays)})" if relays else originator
