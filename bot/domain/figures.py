"""Figures: normalising the numbers people write and grouping claims about one quantity."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from bot.domain.claims import Qualifier, claimant_text
from bot.domain.entries import Figure, FigureClaim, Status
from bot.domain.provenance import DateBasis, dated

_NUMBER = re.compile(r"(\d+(?:[.,]\d+)*)(?:\s*(thousand|million|billion|k|m|bn)\b)?", re.I)
_MULTIPLIERS = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}
_FRACTIONS = {"half": 0.5, "a third": 1 / 3, "a quarter": 0.25, "two thirds": 2 / 3}


def parse_figure_value(display: str) -> float | None:
    """The number a display text stands for ("up to 12,000" → 12000, "1.5 million" → 1.5e6).

    Returns None when the text holds no number we can read.
    """
    lowered = display.lower()
    match = _NUMBER.search(lowered)
    if match is None:
        for words, fraction in _FRACTIONS.items():
            if words in lowered:
                return round(fraction, 4)
        return None
    digits = match.group(1)
    # "1,500" groups thousands; "1.5" is a decimal; "1,5" (European decimal) is rare here.
    if "," in digits and "." in digits:
        digits = digits.replace(",", "")
    elif "," in digits:
        head, _, tail = digits.rpartition(",")
        digits = digits.replace(",", "") if len(tail) == 3 else f"{head.replace(',', '')}.{tail}"
    value = float(digits)
    multiplier = match.group(2)
    if multiplier:
        value *= _MULTIPLIERS[multiplier.lower()]
    return value


@dataclass(frozen=True, slots=True)
class TrackedClaim:
    """One claim about a quantity as the tracker shows it: the originator's number once,
    with everyone who relayed it (``figure.relays``) and every entry that records it.

    ``event_date`` is the first time the record has it, with what that date rests on.
    """

    figure: Figure
    event_date: date
    date_basis: DateBasis
    entry_slugs: tuple[str, ...]

    @property
    def entry_slug(self) -> str:
        return self.entry_slugs[0]


@dataclass(frozen=True, slots=True)
class FigureGroup:
    """Every claim about one quantity, strongest status first, then newest."""

    subject: str
    counts: str
    claims: tuple[TrackedClaim, ...]

    @property
    def is_contested(self) -> bool:
        """True when claims about the quantity disagree on the number."""
        return len({claim.figure.value for claim in self.claims}) > 1


_STATUS_RANK = {status: rank for rank, status in enumerate(Status)}


def group_claims(claims: Iterable[FigureClaim]) -> list[FigureGroup]:
    """Group claims by subject, keeping the order in which subjects first appear.

    The same number from the same originator is one claim however many entries carry it
    and whoever relays it: President Yoon repeating the NIS count is not a second
    confirmation.
    """
    by_subject: dict[str, list[FigureClaim]] = {}
    for claim in claims:
        by_subject.setdefault(claim.figure.subject, []).append(claim)
    groups = []
    for subject, subject_claims in by_subject.items():
        ordered = sorted(
            _merge(subject_claims),
            key=lambda c: (_STATUS_RANK[c.figure.status], -c.event_date.toordinal()),
        )
        groups.append(FigureGroup(subject, ordered[0].figure.counts, tuple(ordered)))
    return groups


def claim_key(figure: Figure) -> tuple[float, float | None, Qualifier, str]:
    """What makes two records the same claim: the number, its hedge and its originator."""
    return (figure.value, figure.high, figure.qualifier, figure.originator.casefold())


def _merge(claims: list[FigureClaim]) -> list[TrackedClaim]:
    """One tracked claim per originator's number: first seen gives the date and the words,
    the newest record gives the status (the latest assessment), relays are pooled."""
    records: dict[tuple[float, float | None, Qualifier, str], list[FigureClaim]] = {}
    for claim in sorted(claims, key=lambda c: c.event_date):
        records.setdefault(claim_key(claim.figure), []).append(claim)
    merged = []
    for same in records.values():
        first, newest = same[0], same[-1]
        relays = tuple(dict.fromkeys(r for c in same for r in c.figure.relays))
        unit = next((c.figure.unit for c in same if c.figure.unit), "")
        figure = replace(first.figure, status=newest.figure.status, relays=relays, unit=unit)
        slugs = tuple(dict.fromkeys(c.entry_slug for c in same))
        merged.append(TrackedClaim(figure, first.event_date, first.date_basis, slugs))
    return merged


def claimant(figure: Figure) -> str:
    """``South Korea's NIS (relayed by President Yoon Suk Yeol)``."""
    return claimant_text(figure.originator, figure.relays)


def claim_date(claim: TrackedClaim | FigureClaim, fmt: str = "%d %b %Y") -> str:
    """When the record first has the claim, saying so when the source does not state it."""
    return dated(claim.event_date, claim.date_basis, fmt)


def own_counts(group: FigureGroup, claim: TrackedClaim) -> str:
    """What this claim counts, when it is not what the group's heading says ("" if it is):
    "troops North Korea may have committed" is not "troops deployed"."""
    return claim.figure.counts if claim.figure.counts != group.counts else ""
