"""A parsed search evaluated on an entry's text: match, FTS5's bm25 score, and a snippet.

The top-k index (:mod:`bot.storage.search_index`) finds candidates; this module ranks them
with the formula of ``bm25(entries_fts, 10.0, 4.0, 1.0)`` (SQLite's ``fts5_aux.c``), so a
page is ordered as the FTS5 ranking orders it, and marks them as FTS5's ``snippet()`` does.
Tokens are runs of letters and digits, lower-cased with diacritics removed, as FTS5's
``unicode61 remove_diacritics 2`` tokenizer makes them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.entries import MARK_END, MARK_START
from bot.domain.search_query import SearchPart, SearchQuery

# Column weights of the ranking: title, summary, body (as in bot.storage.search).
WEIGHTS = (10.0, 4.0, 1.0)
_K1 = 1.2
_B = 0.75
_TOKEN = re.compile(r"[^\W_]+")
_SNIPPET_TOKENS = 16
_ELLIPSIS = "…"


def fold(word: str) -> str:
    """A token as the index stores it: lower case, diacritics removed."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class Column:
    text: str
    spans: tuple[tuple[int, int], ...]
    tokens: tuple[str, ...]


def column(text: str) -> Column:
    found = list(_TOKEN.finditer(text))
    return Column(text, tuple(m.span() for m in found), tuple(fold(m.group()) for m in found))


@dataclass(frozen=True, slots=True)
class Document:
    """One entry's searchable columns: title, summary, body."""

    entry_id: int
    columns: tuple[Column, Column, Column]

    @property
    def length(self) -> int:
        return sum(len(c.tokens) for c in self.columns)


def document(entry_id: int, title: str, summary: str, body: str) -> Document:
    return Document(entry_id, (column(title), column(summary), column(body)))


def _folded(part: SearchPart) -> tuple[str, ...]:
    return tuple(fold(word) for word in part.words)


def hits(part: SearchPart, tokens: Sequence[str]) -> list[int]:
    """Where the part starts in ``tokens`` (a prefix matches the beginning of its last word)."""
    words = _folded(part)
    size = len(words)
    found = []
    for start in range(len(tokens) - size + 1):
        if all(tokens[start + i] == words[i] for i in range(size - 1)):
            last = tokens[start + size - 1]
            if last == words[-1] or (part.prefix and last.startswith(words[-1])):
                found.append(start)
    return found


def _present(part: SearchPart, doc: Document) -> bool:
    return any(hits(part, c.tokens) for c in doc.columns)


def matches(query: SearchQuery, doc: Document) -> bool:
    """Whether the document matches as FTS5 would match ``query.fts``."""
    return all(any(_present(p, doc) for p in group) for group in query.groups) and not any(
        _present(p, doc) for p in query.excluded
    )


@dataclass(frozen=True, slots=True)
class Corpus:
    """What bm25 needs of the whole archive: rows, mean row length, rows holding each part."""

    rows: int
    mean_length: float
    holding: dict[SearchPart, int]


def bm25(query: SearchQuery, doc: Document, corpus: Corpus) -> float:
    """FTS5's bm25 of the document, negated back to "higher is better"."""
    score = 0.0
    norm = _K1 * (1 - _B + _B * doc.length / max(corpus.mean_length, 1.0))
    for group in query.groups:
        for part in group:
            held = corpus.holding.get(part, 0)
            idf = math.log((corpus.rows - held + 0.5) / (held + 0.5))
            idf = idf if idf > 0 else 1e-6
            freq = sum(
                w * len(hits(part, c.tokens)) for w, c in zip(WEIGHTS, doc.columns, strict=True)
            )
            score += idf * freq * (_K1 + 1) / (freq + norm)
    return score


def snippet(query: SearchQuery, doc: Document) -> str:
    """The best 16-token window of the column with the most hits, hits marked."""
    parts = [p for group in query.groups for p in group]
    best: tuple[int, Column, set[int]] | None = None
    for col in doc.columns:
        marked: set[int] = set()
        for part in parts:
            for start in hits(part, col.tokens):
                marked.update(range(start, start + len(part.words)))
        if best is None or len(marked) > len(best[2]):
            best = (len(marked), col, marked)
    assert best is not None
    _, col, marked = best
    if not col.tokens:
        return col.text
    first = _window(len(col.tokens), marked)
    last = min(first + _SNIPPET_TOKENS, len(col.tokens)) - 1
    out = [_ELLIPSIS] if first > 0 else []
    cursor = col.spans[first][0]
    for index in range(first, last + 1):
        begin, end = col.spans[index]
        out.append(col.text[cursor:begin])
        token = col.text[begin:end]
        out.append(f"{MARK_START}{token}{MARK_END}" if index in marked else token)
        cursor = end
    out.append(col.text[cursor:] if last == len(col.tokens) - 1 else _ELLIPSIS)
    return "".join(out)


def _window(size: int, marked: set[int]) -> int:
    """The first token of the 16-token window holding the most hits; windows start two
    tokens before a hit, so the hit reads in context (the earliest of equals wins)."""
    if size <= _SNIPPET_TOKENS:
        return 0
    starts = sorted({min(max(0, i - 2), size - _SNIPPET_TOKENS) for i in marked} or {0})
    return max(starts, key=lambda s: (sum(s <= i < s + _SNIPPET_TOKENS for i in marked), -s))
