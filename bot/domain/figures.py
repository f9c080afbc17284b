"""Figures: normalising the numbers people write and grouping claims about one quantity."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.entries import FigureClaim, Status

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
class FigureGroup:
    """Every claim about one quantity, strongest status first, then newest."""

    subject: str
    counts: str
    claims: tuple[FigureClaim, ...]

    @property
    def is_contested(self) -> bool:
        """True when claims about the quantity disagree on the number."""
        return len({claim.figure.value for claim in self.claims}) > 1


_STATUS_RANK = {status: rank for rank, status in enumerate(Status)}


def group_claims(claims: Iterable[FigureClaim]) -> list[FigureGroup]:
    """Group claims by subject, keeping the order in which subjects first appear."""
    by_subject: dict[str, list[FigureClaim]] = {}
    for claim in claims:
        by_subject.setdefault(claim.figure.subject, []).append(claim)
    groups = []
    for subject, subject_claims in by_subject.items():
        ordered = sorted(
            _dedupe(subject_claims),
            key=lambda c: (_STATUS_RANK[c.figure.status], -c.event_date.toordinal()),
        )
        groups.append(FigureGroup(subject, ordered[0].figure.counts, tuple(ordered)))
    return groups


def _dedupe(claims: list[FigureClaim]) -> list[FigureClaim]:
    """Drop repeats of the same number from the same claimant (keep the newest)."""
    newest: dict[tuple[float, str], FigureClaim] = {}
    for claim in sorted(claims, key=lambda c: c.event_date):
        newest[(claim.figure.value, claim.figure.claimed_by.casefold())] = claim
    return list(newest.values())
