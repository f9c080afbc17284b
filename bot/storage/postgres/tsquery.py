"""A parsed search as PostgreSQL ``tsquery`` text, built from the parsed parts only.

User text never reaches ``to_tsquery`` as typed: :func:`bot.domain.search_query.parse_search`
has already cut it into words (letters and digits only), and each word is written here as a
quoted lexeme, so no ``&|!()<:*\\'`` the user typed can become an operator. The result is
passed to ``to_tsquery`` as a bind parameter, never spliced into SQL.

The positive part (every group must match) and the excluded part (no term may) are two
separate queries, so the search can never become "everything except the excluded".

PostgreSQL indexes no word longer than :data:`MAX_WORD_BYTES` and ``to_tsquery`` silently
drops one from a query, which would turn ``huge-word troops`` into ``troops``. A term with such
a word can match nothing, as on SQLite (no entry holds a 2 kB word): a group of only such
terms makes the whole search match nothing, and such terms are left out of OR groups and
exclusions, where matching nothing changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.search_query import SearchPart, SearchQuery

# The weights of title, summary and body in the entries' search_vector (migration 0002).
_COLUMN_WEIGHTS = ("A", "B", "C")
# The longest word PostgreSQL indexes, in bytes (its MAXSTRLEN is 2047, exclusive).
MAX_WORD_BYTES = 2046


@dataclass(frozen=True, slots=True)
class TsQueries:
    """``to_tsquery`` input: ``matching`` must match, ``excluded`` (when not None) must not."""

    matching: str
    excluded: str | None


def tsqueries(query: SearchQuery) -> TsQueries | None:
    """The query's ``tsquery`` texts, or None when nothing is searchable."""
    groups = [tuple(filter(_indexable, group)) for group in query.groups]
    if not groups or not all(groups):
        return None
    matching = " & ".join(_group(group) for group in groups)
    excluded = " | ".join(_term(term) for term in query.excluded if _indexable(term)) or None
    return TsQueries(matching, excluded)


def _indexable(term: SearchPart) -> bool:
    return all(len(word.encode()) <= MAX_WORD_BYTES for word in term.words)


def _group(group: tuple[SearchPart, ...]) -> str:
    if len(group) == 1:
        return _term(group[0])
    return "( " + " | ".join(_term(term) for term in group) + " )"


def _term(term: SearchPart) -> str:
    # As in FTS5, a prefix applies to the last word.
    if len(term.words) == 1:
        return _lexeme(term.words[0]) + (":*" if term.prefix else "")
    # A phrase is its words in order (<->) within one column: the entry's tsvector runs title,
    # summary and body on, so the title's last word is followed by the summary's first, which
    # FTS5 does not count as a phrase. Each column has its own weight (A, B, C).
    return "( " + " | ".join(_phrase(term, weight) for weight in _COLUMN_WEIGHTS) + " )"


def _phrase(term: SearchPart, weight: str) -> str:
    lexemes = [f"{_lexeme(word)}:{weight}" for word in term.words]
    if term.prefix:
        lexemes[-1] = f"{_lexeme(term.words[-1])}:*{weight}"
    return "( " + " <-> ".join(lexemes) + " )"


def _lexeme(word: str) -> str:
    # Parsed words hold no quote or backslash; escaping them anyway keeps this function safe
    # on its own (tsquery reads '' as a quote and \ as an escape inside quotes).
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
