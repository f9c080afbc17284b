"""Figures found in an article: each number with what it counts, who claims it and a status."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.claims import Qualifier
from bot.domain.entries import Status
from bot.domain.extraction.claimants import HEDGES, find_claimant, suggest_status
from bot.domain.extraction.numbers import find_numbers

# Sentence ends: a full stop, ! or ? followed by space and a capital or a quote; not after
# common abbreviations ("U.S.", "Gen.", "Mr.").
_SENTENCE = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\bU\.S|\bMr|\bMrs|\bDr|\bGen|\bLt|\bCol|\bNo|\bSt)\.$")
_HEDGE = re.compile(r"\b(?:" + "|".join(re.escape(h) for h in HEDGES) + r")\b", re.I)
_STOP = {
    "to", "in", "at", "on", "for", "from", "by", "and", "or", "were", "was", "is", "are", "had",
    "have", "has", "would", "will", "who", "which", "that", "since", "into", "with", "near",
    "per", "as", "but", "than", "last", "this", "each", "a", "the", "been", "being", "may",
    "could", "might", "now", "already", "reportedly", "allegedly", "over", "across",
}  # fmt: skip
_CLUTTER = re.compile(
    r"^(?:read more|share|updated|reporting by|editing by|copyright|sign up|subscribe|"
    r"advertisement|related|photo|image)\b",
    re.I,
)
_TIME_SPAN = re.compile(r"^(?:years?|months?|weeks?|days?|hours?|minutes?|times)\b", re.I)
_QUANTITY_WORD = re.compile(r"^(?:[A-Za-z][\w'’-]*|\d+mm)$")
MAX_QUANTITY_WORDS = 5


@dataclass(frozen=True, slots=True)
class FoundFigure:
    """One figure as the extractor reads it (fields as ``briefbot extract`` prints them)."""

    value: str
    number: float
    high: float | None
    qualifier: Qualifier
    quantity: str
    claimant: str
    relays: tuple[str, ...]
    hedge: tuple[str, ...]
    status: Status
    sentence: str


def sentences(text: str) -> list[str]:
    """The text's sentences, one paragraph line at a time."""
    out: list[str] = []
    for paragraph in text.splitlines():
        start = 0
        for cut in _SENTENCE.finditer(paragraph):
            if _ABBREVIATION.search(paragraph, 0, cut.start()):
                continue
            out.append(paragraph[start : cut.start()].strip() + cut.group(0).strip())
            start = cut.end()
        out.append(paragraph[start:].strip())
    out = [s for s in out if s]
    return out


def _quantity(after: str) -> str:
    words: list[str] = []
    tokens = after.split()
    index = 0
    # "tens of thousands of troops", "a third of the shells": skip the "of (the)".
    while index < len(tokens) and tokens[index].lower() in ("of", "the", "its", "their"):
        index += 1
    for token in tokens[index:]:
        word = token.strip('"“”‘’()')
        if not word and not words:
            continue  # the closing quote of '"several hundred" casualties'
        bare = word.rstrip(",.;:!?")
        if words and bare.lower() in ("of", "the"):
            words.append(bare)
            continue
        if not bare or not _QUANTITY_WORD.match(bare) or bare.lower() in _STOP:
            break
        words.append(bare)
        if bare != word or len(words) >= MAX_QUANTITY_WORDS:
            break
    while words and words[-1].lower() in ("of", "the"):
        words.pop()
    return " ".join(words)


def extract_figures(text: str) -> list[FoundFigure]:
    """Every figure in ``text``: a number counting something, in a sentence with a claimant."""
    figures: list[FoundFigure] = []
    for paragraph in text.splitlines():
        if not _CLUTTER.match(paragraph.strip()):  # page furniture, not the article
            figures.extend(_paragraph_figures(paragraph))
    return figures


def _claimant(said: list[str], index: int) -> tuple[str, tuple[str, ...]]:
    """The sentence's own claimant, else the nearest earlier one in the paragraph (looked
    for only when a sentence has numbers: claimant patterns are the costly part)."""
    for sentence in reversed(said[: index + 1]):
        found = find_claimant(sentence)
        if found is not None:
            return found
    return "", ()


def _paragraph_figures(paragraph: str) -> list[FoundFigure]:
    # A claimant named in a sentence carries on through its paragraph ("He said …"), never
    # beyond: copy names the source again in a new paragraph. No claimant: the report itself.
    figures: list[FoundFigure] = []
    said = sentences(paragraph)
    for index, sentence in enumerate(said):
        numbers = find_numbers(sentence)
        if not numbers:
            continue
        claimant = _claimant(said, index)
        elided = ""
        for number in numbers:
            quantity = _quantity(sentence[number.end :])
            if ":" in number.text:
                quantity = "ratio"
            elif any(c in number.text for c in "$€£"):
                quantity = {"$": "US dollars", "€": "euros", "£": "pounds"}[
                    next(c for c in number.text if c in "$€£")
                ]
            elif not quantity and elided:
                quantity = elided  # "8,000 troops …, out of roughly 11,000 in Russia"
            elided = quantity or elided
            if not quantity or _TIME_SPAN.match(quantity):
                continue  # a bare number ("page 2") or a time span ("over 18 months")
            hedge = tuple(dict.fromkeys(h.group(0).lower() for h in _HEDGE.finditer(sentence)))
            figures.append(
                FoundFigure(
                    value=number.text,
                    number=number.value,
                    high=number.high,
                    qualifier=number.qualifier,
                    quantity=quantity,
                    claimant=claimant[0],
                    relays=claimant[1],
                    hedge=hedge,
                    status=suggest_status(sentence),
                    sentence=sentence,
                )
            )
    return figures
