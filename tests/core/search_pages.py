"""What the search-budget stories (SQLite and PostgreSQL) expect of a page of results."""

from __future__ import annotations

from bot.domain.entries import SearchPage


def newest_ids(entries: int, deleted: int, count: int, skip: int = 0) -> list[int]:
    """Ids of the newest matches when every entry 1..``entries`` matches, ``deleted`` aside."""
    ids = [i for i in range(entries, 0, -1) if i != deleted]
    return ids[skip : skip + count]


def ids(page: SearchPage) -> list[int]:
    return [hit.entry.id for hit in page.hits]
