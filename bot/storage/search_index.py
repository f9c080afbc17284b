"""The top-k search index: tantivy, in a folder beside the database, and only ever a cache.

FTS5's bm25 scores every match, so a two-word search at a million entries costs 30–100 ms
and a common word seconds. tantivy finds the best k without scoring every match (block-max
WAND). The database stays the source of truth: every change reaches the index through the
``search_outbox`` table (:mod:`bot.storage.search_sync`), and the folder can be deleted and
rebuilt at any time (``briefbot db reindex``).

One text field, ``weighted``: the title ten times, the summary four times and the body once,
as separate values (tantivy leaves a position gap between values, so no phrase spans two). Its
term frequency is then the weighted frequency of ``bm25(entries_fts, 10.0, 4.0, 1.0)``, so the
best candidates here are FTS5's; :mod:`bot.storage.search_text` re-ranks them with FTS5's
exact formula.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import tantivy

from bot.domain.search_query import SearchPart, SearchQuery

FOLDER_SUFFIX = ".search"
_META = "briefbot-index.json"
_FIELD = "weighted"
_TOKENIZER = "briefbot"
_TITLE_COPIES = 10
_SUMMARY_COPIES = 4
# Indexing memory and threads: an edit needs little; a rebuild goes faster with more.
_HEAP_BYTES = 32_000_000
_REBUILD_HEAP_BYTES = 256_000_000
_SHOULD = tantivy.Occur.Should
_MUST = tantivy.Occur.Must
_MUST_NOT = tantivy.Occur.MustNot


class IndexBusy(Exception):
    """Another process holds the index's writer lock (it is indexing the same changes)."""


@dataclass(frozen=True, slots=True)
class IndexState:
    """Written after each commit: the last ``search_outbox.seq`` applied."""

    applied: int


@dataclass(frozen=True, slots=True)
class IndexedText:
    entry_id: int
    title: str
    summary: str
    body: str


def folder_for(database: Path) -> Path:
    return database.with_name(database.name + FOLDER_SUFFIX)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field(_FIELD, stored=False, tokenizer_name=_TOKENIZER, index_option="position")
    return builder.build()


def _analyzer() -> tantivy.TextAnalyzer:
    # Letters and digits, lower case, diacritics folded: FTS5's unicode61 remove_diacritics 2.
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


class SearchIndex:
    """One open index folder. Blocking calls: run them off the event loop, all on one thread
    (the writer is used across calls: begin, add…, commit)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._schema = _schema()
        self._analyzer = _analyzer()
        folder.mkdir(parents=True, exist_ok=True)
        try:
            self._index = self._open()
        except (OSError, ValueError):
            # Another version's files, or damaged ones: the index is a cache, start afresh.
            shutil.rmtree(folder)
            folder.mkdir(parents=True)
            self._index = self._open()
        self._writer: tantivy.IndexWriter | None = None

    def _open(self) -> tantivy.Index:
        index = tantivy.Index(self._schema, path=str(self.folder), reuse=True)
        index.register_tokenizer(_TOKENIZER, self._analyzer)
        return index

    @property
    def state(self) -> IndexState | None:
        """None until a complete build has been committed."""
        try:
            return IndexState(**json.loads((self.folder / _META).read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def _save(self, state: IndexState | None) -> None:
        meta = self.folder / _META
        if state is None:
            meta.unlink(missing_ok=True)
            return
        temporary = meta.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(state)))
        os.replace(temporary, meta)

    def begin(self, clear: bool = False) -> None:
        """Open the writer (one at a time, across processes: else :class:`IndexBusy`)."""
        heap, threads = (_REBUILD_HEAP_BYTES, 2) if clear else (_HEAP_BYTES, 1)
        try:
            self._writer = self._index.writer(heap_size=heap, num_threads=threads)
        except ValueError as error:
            raise IndexBusy from error
        if clear:
            self._save(None)  # a crash mid-rebuild leaves no state, so it is rebuilt again
            self._writer.delete_all_documents()

    def add(self, texts: Iterable[IndexedText], removed: Iterable[int] = ()) -> None:
        """Replace entries: ``removed`` ids are dropped, then ``texts`` added (uncommitted)."""
        assert self._writer is not None
        for entry_id in removed:
            self._writer.delete_documents_by_term("id", entry_id)
        for text in texts:
            weighted = [text.title] * _TITLE_COPIES + [text.summary] * _SUMMARY_COPIES
            self._writer.add_document(
                tantivy.Document(id=text.entry_id, **{_FIELD: [*weighted, text.body]})
            )

    def commit(self, state: IndexState) -> None:
        """Commit what was added, then record ``state`` (a crash in between replays)."""
        writer, self._writer = self._writer, None
        assert writer is not None
        writer.commit()
        writer.wait_merging_threads()
        self._save(state)
        self._index.reload()

    def abandon(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.rollback()

    def tokens(self, text: str) -> list[str]:
        return list(self._analyzer.analyze(text))

    def rows(self) -> int:
        return int(self._index.searcher().num_docs)

    def holding(self, part: SearchPart) -> int:
        """How many rows hold the part, or an upper bound for phrases and prefixes."""
        counts = self._counts(part)
        return min(counts) if counts else 0

    def share(self, query: SearchQuery) -> float:
        """The expected share of rows that match, taking words as independent: a part's is
        the product of its words' shares, a group's the sum of its parts' (at most 1), the
        query's the product of its groups'. Exclusions are left out (an upper bound)."""
        rows = max(self.rows(), 1)
        total = 1.0
        for group in query.groups:
            group_share = 0.0
            for part in group:
                part_share = 1.0
                for count in self._counts(part) or [0]:
                    part_share *= min(1.0, count / rows)
                group_share += part_share
            total *= min(1.0, group_share)
        return total

    def _counts(self, part: SearchPart) -> list[int]:
        """Rows holding each word of the part (a prefix: summed over the words it begins)."""
        searcher = self._index.searcher()
        words = self.tokens(" ".join(part.words))
        if not words:
            return []
        counts = [searcher.doc_freq(_FIELD, word) for word in words[:-1]]
        if part.prefix:
            counts.append(sum(n for _, n in searcher.terms_with_prefix(_FIELD, words[-1])))
        else:
            counts.append(searcher.doc_freq(_FIELD, words[-1]))
        return counts

    def candidates(self, query: SearchQuery, count: int) -> list[int]:
        """The ids of the best ``count`` matches by tantivy's bm25 over the weighted field."""
        searcher = self._index.searcher()
        found = searcher.search(self._query(query, ranked=True), count, count=False)
        # From the fast field: reading stored documents would decompress a block for each.
        ids = searcher.fast_field_values("id", [address for _, address in found.hits])
        return [int(entry_id) for entry_id in ids if entry_id is not None]

    def newest(self, query: SearchQuery, limit: int, offset: int) -> list[int]:
        """The ids of the newest matches (highest ids first)."""
        found = self._index.searcher().search(
            self._query(query), limit, count=False, order_by_field="id", offset=offset
        )
        return [int(entry_id) for entry_id, _ in found.hits]

    def _query(self, query: SearchQuery, ranked: bool = False) -> tantivy.Query:
        # FTS5 gives a part in more than half the rows an idf of ~0: it must match but adds
        # nothing to the score. Muting it here keeps the candidates FTS5's best.
        half = self.rows() / 2 if ranked else None
        clauses = [(_MUST, self._group(group, half)) for group in query.groups]
        clauses += [(_MUST_NOT, self._part(part)) for part in query.excluded]
        return tantivy.Query.boolean_query(clauses)

    def _group(self, group: Sequence[SearchPart], half: float | None) -> tantivy.Query:
        queries = [self._scored(part, half) for part in group]
        if len(queries) == 1:
            return queries[0]
        return tantivy.Query.boolean_query([(_SHOULD, query) for query in queries])

    def _scored(self, part: SearchPart, half: float | None) -> tantivy.Query:
        query = self._part(part)
        if half is not None and self.holding(part) > half:
            return tantivy.Query.boost_query(query, 0.0)
        return query

    def _part(self, part: SearchPart) -> tantivy.Query:
        words: list[str | tuple[int, str]] = []
        words += self.tokens(" ".join(part.words)) or ["\x00"]  # nothing indexable: no match
        if part.prefix and len(words) == 1:
            # Letters and digits only (the analyzer's output), so nothing here is regex syntax.
            return tantivy.Query.regex_query(self._schema, _FIELD, f"{words[0]}.*")
        if part.prefix:
            return tantivy.Query.phrase_prefix_query(self._schema, _FIELD, words)
        if len(words) == 1:
            return tantivy.Query.term_query(self._schema, _FIELD, str(words[0]))
        return tantivy.Query.phrase_query(self._schema, _FIELD, words)
