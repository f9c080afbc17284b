"""Entry storage errors a caller can act on (the SQLite entry backend lives in
``entry_store``, ``entry_reads``, ``entry_writes``, ``search`` and ``figures``)."""

from __future__ import annotations


class EntryNotFound(LookupError):
    """No entry has that slug or id."""


class DuplicateSlug(ValueError):
    """Another entry already uses that slug."""


class StaleRevision(RuntimeError):
    """The entry changed since the editor opened it."""
