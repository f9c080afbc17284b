"""A parsed search as PostgreSQL ``tsquery`` text, built from the parsed parts only.

User text never reaches ``to_tsquery`` as typed: :func:`bot.domain.search_query.parse_search`
has already cut it into words (letters and digits only), and each word is written here as a
quoted lexeme, so no ``&|!()<:*\\'`` the user typed can become an operator. The result is
passed to ``to_tsquery`` as a bind parameter, never spliced into SQL.

The positive part (every group must match) and the excluded part (no term may) are two
separate queries: should the text search configuration drop every word of the positive part,
the search must find nothing rather than "everything except the excluded".
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.search_query import SearchQuery, SearchTerm


@dataclass(frozen=True, slots=True)
class TsQueries:
    """``to_tsquery`` input: ``matching`` must match, ``excluded`` (when not None) must not."""

    matching: str
    excluded: str | None


def tsqueries(query: SearchQuery) -> TsQueries | None:
    """The query's ``tsquery`` texts, or None when nothing is searchable."""
    if not query.all_of:
        return None
    matching = " & ".join(_group(group) for group in query.all_of)
    excluded = " | ".join(_term(term) for term in query.none_of) or None
    return TsQueries(matching, excluded)


def _group(group: tuple[SearchTerm, ...]) -> str:
    if len(group) == 1:
        return _term(group[0])
    return "( " + " | ".join(_term(term) for term in group) + " )"


def _term(term: SearchTerm) -> str:
    # A phrase is its words in order (<->); as in FTS5, a prefix applies to the last word.
    lexemes = [_lexeme(word) for word in term.words]
    if term.prefix:
        lexemes[-1] += ":*"
    phrase = " <-> ".join(lexemes)
    return f"( {phrase} )" if len(lexemes) > 1 else phrase


def _lexeme(word: str) -> str:
    # Parsed words hold no quote or backslash; escaping them anyway keeps this function safe
    # on its own (tsquery reads '' as a quote and \ as an escape inside quotes).
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
