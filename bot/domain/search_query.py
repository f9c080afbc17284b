"""Parsing what people type into a safe FTS5 query.

User text never reaches ``MATCH`` as written: it is broken into words, phrases, prefixes,
exclusions and ORs, and each piece is re-quoted, so any input yields a valid query or none.
Supported syntax: ``word``, ``"exact phrase"``, ``-exclude``, ``a OR b``, ``prefix*`` (at
least :data:`MIN_PREFIX` letters; a shorter ``x*`` is searched as the whole word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_PARTS = 16
# A prefix needs this many letters; "ka*" is the word "ka" (two letters expand to thousands of
# words at a large archive, and every search of it costs seconds).
MIN_PREFIX = 3
# Told to the reader when ranking ran out of time and the newest matches are shown instead.
UNRANKED_NOTE = "Very common search: showing the newest matches; add words to narrow it."
# Told when even the newest matches could not be read in time (a broad prefix like "kor*").
TOO_SLOW_NOTE = "Search took too long; add words to narrow it."
# Told when searches queue for longer than an answer may wait.
BUSY_NOTE = "Many searches are running right now; try again in a few seconds."
_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class SearchPart:
    """One searched piece: a word, a phrase (several words) or a prefix (``prefix`` applies to
    the last word)."""

    words: tuple[str, ...]
    prefix: bool

    def to_fts(self) -> str:
        quoted = '"' + " ".join(self.words) + '"'
        return quoted + " *" if self.prefix else quoted


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed search: the FTS5 expression to run (None when nothing is searchable), and the
    same search as parts for engines other than FTS5: every group must match (a group is parts
    joined by OR) and no excluded part may."""

    text: str
    fts: str | None
    words: tuple[str, ...]
    groups: tuple[tuple[SearchPart, ...], ...] = ()
    excluded: tuple[SearchPart, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.fts is None


def parse_search(text: str) -> SearchQuery:
    """Parse free text into a :class:`SearchQuery`; never raises."""
    groups: list[list[SearchPart]] = []
    excluded: list[SearchPart] = []
    join_next = False
    for token in _TOKEN.findall(text)[: MAX_PARTS * 2]:
        if token == "OR":
            join_next = bool(groups)
            continue
        if token in ("AND", "NOT"):
            continue
        negative = token.startswith("-") and len(token) > 1
        part = _part(token[1:] if negative else token)
        if part is None:
            continue
        if negative:
            excluded.append(part)
        elif join_next:
            groups[-1].append(part)
        else:
            groups.append([part])
        join_next = False
    groups = groups[:MAX_PARTS]
    if not groups:
        return SearchQuery(text, None, ())
    positive = " AND ".join(_group_fts(group) for group in groups)
    fts = positive
    if excluded:
        fts = f"({positive}) NOT ({' OR '.join(p.to_fts() for p in excluded[:MAX_PARTS])})"
    words = tuple(word for group in groups for part in group for word in part.words)
    kept = tuple(tuple(group) for group in groups)
    return SearchQuery(text, fts, words, kept, tuple(excluded[:MAX_PARTS]))


def _group_fts(group: list[SearchPart]) -> str:
    if len(group) == 1:
        return group[0].to_fts()
    return "(" + " OR ".join(part.to_fts() for part in group) + ")"


def _part(token: str) -> SearchPart | None:
    is_phrase = token.startswith('"')
    prefix = not is_phrase and token.endswith("*")
    words = tuple(word.lower() for word in _WORD.findall(token))
    if not words:
        return None
    # A prefix applies to the last word only; "north-kor*" means "north" then "kor…".
    return SearchPart(words, prefix and len(words[-1]) >= MIN_PREFIX)
