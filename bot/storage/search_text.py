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
from collections.abc import Callable, Sequence
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


Tokenize = Callable[[str], list[str]]


def tokenize(text: str) -> list[str]:
    """Tokens as FTS5 makes them (the index's own analyzer is faster and agrees)."""
    return [fold(m.group()) for m in _TOKEN.finditer(text)]


@dataclass(frozen=True, slots=True)
class Document:
    """One entry's searchable columns (title, summary, body): their text and tokens."""

    entry_id: int
    texts: tuple[str, str, str]
    columns: tuple[list[str], list[str], list[str]]

    @property
    def length(self) -> int:
        return sum(len(tokens) for tokens in self.columns)


def document(
    entry_id: int, title: str, summary: str, body: str, split: Tokenize = tokenize
) -> Document:
    return Document(entry_id, (title, summary, body), (split(title), split(summary), split(body)))


class Words:
    """Each part's words as tokens, made once per search."""

    def __init__(self, query: SearchQuery, split: Tokenize = tokenize) -> None:
        parts = [p for group in query.groups for p in group] + list(query.excluded)
        self._words = {part: tuple(split(" ".join(part.words))) for part in parts}

    def __getitem__(self, part: SearchPart) -> tuple[str, ...]:
        return self._words[part]


def hits(part: SearchPart, words: Sequence[str], tokens: list[str]) -> list[int]:
    """Where the part starts in ``tokens`` (a prefix matches the beginning of its last word)."""
    if not words:
        return []
    size = len(words)
    first, last = words[0], words[-1]
    if size == 1:
        if part.prefix:
            return [i for i, token in enumerate(tokens) if token.startswith(last)]
        return [i for i, token in enumerate(tokens) if token == first]
    found = []
    for start in range(len(tokens) - size + 1):
        if tokens[start] != first or any(tokens[start + i] != words[i] for i in range(size - 1)):
            continue
        end = tokens[start + size - 1]
        if end == last or (part.prefix and end.startswith(last)):
            found.append(start)
    return found


def _count(part: SearchPart, words: Sequence[str], tokens: list[str]) -> int:
    if len(words) == 1 and not part.prefix:
        return tokens.count(words[0])  # the common case, at C speed
    return len(hits(part, words, tokens))


def _present(part: SearchPart, words: Words, doc: Document) -> bool:
    return any(_count(part, words[part], tokens) for tokens in doc.columns)


def matches(query: SearchQuery, words: Words, doc: Document) -> bool:
    """Whether the document matches as FTS5 would match ``query.fts``."""
    return all(any(_present(p, words, doc) for p in group) for group in query.groups) and not any(
        _present(p, words, doc) for p in query.excluded
    )


@dataclass(frozen=True, slots=True)
class Corpus:
    """What bm25 needs of the whole archive: rows, mean row length, rows holding each part."""

    rows: int
    mean_length: float
    holding: dict[SearchPart, int]


def bm25(query: SearchQuery, words: Words, doc: Document, corpus: Corpus) -> float:
    """FTS5's bm25 of the document, negated back to "higher is better"."""
    score = 0.0
    norm = _K1 * (1 - _B + _B * doc.length / max(corpus.mean_length, 1.0))
    for group in query.groups:
        for part in group:
            held = corpus.holding.get(part, 0)
            ratio = (corpus.rows - held + 0.5) / (held + 0.5)
            # As FTS5: a part in more than half the rows weighs next to nothing. (A prefix's
            # count is a sum over its words, so it may exceed the rows.)
            idf = math.log(ratio) if ratio > 1 else 1e-6
            columns = zip(WEIGHTS, doc.columns, strict=True)
            freq = sum(weight * _count(part, words[part], tokens) for weight, tokens in columns)
            score += idf * ((freq * (_K1 + 1.0)) / (freq + norm))  # fts5_aux.c's order
    return score


def snippet(query: SearchQuery, doc: Document) -> str:
    """The best 16-token window of the column with the most hits, hits marked."""
    words = Words(query)  # tokens with their places in the text, so FTS5's own tokens
    best: tuple[str, list[tuple[int, int]], set[int]] | None = None
    for text in doc.texts:
        found = list(_TOKEN.finditer(text))
        tokens = [fold(m.group()) for m in found]
        marked: set[int] = set()
        for part in (p for group in query.groups for p in group):
            for start in hits(part, words[part], tokens):
                marked.update(range(start, start + len(words[part])))
        if best is None or len(marked) > len(best[2]):
            best = (text, [m.span() for m in found], marked)
    assert best is not None
    text, spans, marked = best
    if not spans:
        return text
    first = _window(len(spans), marked)
    last = min(first + _SNIPPET_TOKENS, len(spans)) - 1
    out = [_ELLIPSIS] if first > 0 else []
    cursor = spans[first][0]
    for index in range(first, last + 1):
        begin, end = spans[index]
        out.append(text[cursor:begin])
        token = text[begin:end]
        out.append(f"{MARK_START}{token}{MARK_END}" if index in marked else token)
        cursor = end
    out.append(text[cursor:] if last == len(spans) - 1 else _ELLIPSIS)
    return "".join(out)


def _window(size: int, marked: set[int]) -> int:
    """The first token of the 16-token window holding the most hits; windows start two
    tokens before a hit, so the hit reads in context (the earliest of equals wins)."""
    if size <= _SNIPPET_TOKENS:
        return 0
    starts = sorted({min(max(0, i - 2), size - _SNIPPET_TOKENS) for i in marked} or {0})
    return max(starts, key=lambda s: (sum(s <= i < s + _SNIPPET_TOKENS for i in marked), -s))
