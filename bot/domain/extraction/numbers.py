"""Numbers as news copy writes them, found in a sentence with their hedge.

Handles "1,500", "1.5 million", "12K", "10,000-12,000", "between 10,000 and 12,000",
"tens of thousands", "more than a third", "10:1" and spelled-out numbers ("twelve
thousand"). Not numbers: dates ("18 October", "in 2024"), unit and weapon designations
("KN-23", "528th", "Article 51").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.claims import PHRASES, Qualifier

_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "a hundred": 100, "hundred": 100, "dozen": 12, "a dozen": 12,
}  # fmt: skip
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "k": 1e3, "m": 1e6, "bn": 1e9}
_FRACTIONS = {
    "half": 0.5, "a half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "two thirds": 2 / 3,
    "two-thirds": 2 / 3, "a quarter": 0.25, "one quarter": 0.25, "three quarters": 0.75,
}  # fmt: skip
# Vague amounts: a nominal value (an order of magnitude) for sorting; the words are shown.
_VAGUE = {
    "several hundred": 300.0, "a few hundred": 300.0, "several thousand": 3000.0,
    "a few thousand": 3000.0, "dozens": 24.0, "hundreds": 200.0, "thousands": 2000.0,
    "tens of thousands": 20000.0, "hundreds of thousands": 200000.0, "millions": 2e6,
}  # fmt: skip
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD = "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))
_SCALE = r"(?:\s*(?:thousand|million|billion|bn)\b|(?:k|m)\b)"
_SPELLED = rf"(?:{_WORD})(?:[\s-](?:{_WORD}))?(?:\s+(?:thousand|million|billion))?"
_ONE = rf"(?:[$€£]?(?:{_DIGITS})%?{_SCALE}?|{_SPELLED})"
_FRAC = "|".join(sorted((re.escape(w) for w in _FRACTIONS), key=len, reverse=True))
_VAG = "|".join(sorted((re.escape(w) for w in _VAGUE), key=len, reverse=True))

NUMBER = re.compile(
    rf"(?<![\w.,:/-])(?P<currency>[$€£])?(?:"
    rf"(?P<ratio>\d+:\d)(?![\d:])"
    rf"|between\s+(?P<lo_b>{_ONE})\s+and\s+(?P<hi_b>{_ONE})"
    rf"|(?P<lo>{_ONE})\s*(?:–|—|-|\s+to\s+)\s*(?P<hi>{_ONE})"
    rf"|(?P<vague>{_VAG})"
    rf"|(?P<frac>{_FRAC})(?=\s+of\b)"
    rf"|(?P<one>{_ONE})"
    rf")(?![\w-]*\d)(?!-[a-z])(?![A-Za-z])",
    re.I,
)
_AFTER_DESIGNATION = re.compile(r"(?:article|resolution|no\.|paragraph|section|chapter)\s*$", re.I)
# Names that contain a number: an outlet, a group of states.
_NAMED = re.compile(r"^\s+North\b(?!\s+Korea)|^\s*(?:th\s+)?(?:Parallel|Group)\b")
_DATE_AROUND = re.compile(rf"(?:\b(?:{_MONTHS})\.?\s*$)", re.I)
_DATE_AFTER = re.compile(rf"^\s*(?:st|nd|rd|th)?\s*(?:of\s+)?(?:{_MONTHS})\b", re.I)
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_QUALIFIER_BEFORE = [
    (q, re.compile(rf"(?<!\w){re.escape(p)}\s*$", re.I))
    for q, phrases in PHRASES.items()
    for p in sorted(phrases, key=len, reverse=True)
]


@dataclass(frozen=True, slots=True)
class Number:
    """One number in a sentence: the words as written, its value(s) and its hedge."""

    text: str
    value: float
    high: float | None
    qualifier: Qualifier
    start: int
    end: int


def to_value(text: str) -> float | None:
    """The value of one number as written ("1.5 million", "12K", "twelve thousand")."""
    t = text.lower().strip().rstrip("%").lstrip("$€£")
    scale = 1.0
    for word, factor in _SCALES.items():
        if t.endswith(word) and (len(word) > 1 or t[-2:-1].isdigit()):
            scale, t = factor, t[: -len(word)].strip().rstrip("-").strip()
            break
    t = t.replace(",", "")
    try:
        return float(t) * scale
    except ValueError:
        pass
    total = 0.0
    for part in re.split(r"[\s-]+", t):
        if part == "a":
            continue
        if part not in _WORDS:
            return None
        total = total * 100 if part == "hundred" and total else total + _WORDS[part]
    return total * scale if total else None


def _qualifier_before(text: str, start: int) -> tuple[Qualifier, int]:
    before = text[max(0, start - 30) : start]
    for qualifier, pattern in _QUALIFIER_BEFORE:
        hit = pattern.search(before)
        if hit is not None:
            return qualifier, start - (len(before) - hit.start())
    return Qualifier.EXACTLY, start


def _is_date_or_designation(text: str, match: re.Match[str], raw: str) -> bool:
    before, after = text[: match.start()], text[match.end() :]
    if _AFTER_DESIGNATION.search(before) or _DATE_AROUND.search(before) or _NAMED.match(after):
        return True
    if raw.isdigit() and (_DATE_AFTER.match(after) or _YEAR.match(raw)):
        return True
    # "KN-23", "Su-27", "T-90": a letter code joined to digits; "528th" is an ordinal.
    if re.search(r"[A-Za-z]-?$", before) and raw[:1].isdigit():
        return True
    # "528th" is an ordinal; "10:05" a time of day.
    return bool(re.match(r"(?:st|nd|rd|th)\b|:\d", after, re.I))


def find_numbers(sentence: str) -> list[Number]:
    """Every number in ``sentence`` that could be a figure, with its qualifier."""
    found: list[Number] = []
    for match in NUMBER.finditer(sentence):
        raw = match.group(0).lstrip("$€£")
        if _is_date_or_designation(sentence, match, raw):
            continue
        high: float | None = None
        if match.group("ratio"):
            a, b = match.group("ratio").split(":")
            value, qualifier = float(a) / max(float(b), 1.0), Qualifier.EXACTLY
        elif match.group("lo") or match.group("lo_b"):
            lo = to_value(match.group("lo") or match.group("lo_b"))
            hi = to_value(match.group("hi") or match.group("hi_b"))
            if lo is None or hi is None or hi <= lo:
                continue
            value, high, qualifier = lo, hi, Qualifier.RANGE
        elif match.group("vague"):
            value, qualifier = _VAGUE[match.group("vague").lower()], Qualifier.ABOUT
        elif match.group("frac"):
            if re.search(r"\b(?:first|second|last|latter|former)\s+$", sentence[: match.start()]):
                continue  # "the first half of 2024" is a date

            value, qualifier = _FRACTIONS[match.group("frac").lower()], Qualifier.EXACTLY
        else:
            parsed = to_value(raw)
            if parsed is None:
                continue
            if not raw[:1].isdigit() and parsed < 10:
                continue  # "one", "two nations": words, not figures
            value, qualifier = parsed, Qualifier.EXACTLY
        start = match.start()
        if qualifier is not Qualifier.RANGE:
            hedge, start = _qualifier_before(sentence, match.start())
            if hedge is not Qualifier.EXACTLY:
                qualifier = hedge
        found.append(
            Number(sentence[start : match.end()], value, high, qualifier, start, match.end())
        )
    return found
