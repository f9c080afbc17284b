"""How a reference someone typed names a row: ASCII digits are an id, anything else a name."""

from __future__ import annotations

# Ids are 64-bit on both backends (SQLite's INTEGER, PostgreSQL's bigint): a larger number
# names no row, and binding it would fail in either driver.
MAX_ID = 2**63 - 1


def row_id(ref: str) -> int | None:
    """The id ``ref`` spells, or None when it is a name (slug, URL) instead.

    ASCII only: ``str.isdigit`` is also true of other scripts' digits and of superscripts,
    which ``int`` reads differently or not at all.
    """
    if ref.isascii() and ref.isdigit() and int(ref) <= MAX_ID:
        return int(ref)
    return None
