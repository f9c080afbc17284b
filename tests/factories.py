"""Shared test data: one builder for each thing many suites need (entries, brief files).

Every suite builds entries and brief files here rather than keeping its own near-copy, so a
new required field is added once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from bot.brief_files import read_brief_files
from bot.domain.entries import EntryContent
from bot.domain.validation import validate_entry
from bot.domain.vocabulary import Vocabulary

BRIEFS = Path(__file__).resolve().parents[1] / "briefs"
NIS_SLUG = "nis-confirms-north-korean-special-forces-in-russia"


def raw_entry(**overrides: Any) -> dict[str, Any]:
    """Valid entry input as a brief file gives it (typed YAML values); override any field."""
    raw: dict[str, Any] = {
        "slug": "nk-troops-seen-in-kursk",
        "title": "North Korean troops seen in Kursk",
        "summary": "Ukrainian intelligence says North Korean units reached the Kursk region.",
        "event_date": "2024-10-20",
        "topics": ["deployment"],
        "actors": ["north-korea", "russia"],
        "status": "reported",
        "importance": 2,
        "sources": [{"name": "Kyiv Post", "url": "https://www.kyivpost.com/"}],
    }
    raw.update(overrides)
    return raw


def entry_content(**overrides: Any) -> EntryContent:
    """:func:`raw_entry` validated as the use cases would: what a store is given."""
    return validate_entry(raw_entry(**overrides), Vocabulary(), date(2030, 1, 1))


def brief_text(
    slug: str,
    title: str,
    *,
    url: str = "https://example.org/a",
    body: str = "Body text.",
    figure: bool = False,
) -> str:
    """A valid brief file; ``figure`` adds one figure claim about ``{slug}-subject``."""
    figures = (
        "figures:\n"
        f"  - display: about {len(slug)},000\n"
        f"    counts: things counted for {slug}\n"
        "    claimed_by: Example officials\n"
        "    status: reported\n"
        f"    subject: {slug}-subject\n"
        if figure
        else ""
    )
    return f"""---
slug: {slug}
title: {title}
summary: A short summary of {title}.
event_date: 2026-11-20
topics: [diplomacy]
actors: [south-korea]
status: reported
importance: 2
sources:
  - name: Example News
    url: {url}
{figures}---
{body}
"""


def brief_file(slug: str, title: str, *, url: str = "https://example.org/a") -> bytes:
    """:func:`brief_text` as the bytes of an uploaded file."""
    return brief_text(slug, title, url=url).encode()


def shipped_briefs() -> list[EntryContent]:
    """The repository's own ``briefs/``, validated: a realistic archive to search."""
    read = read_brief_files([BRIEFS])
    return [validate_entry(doc.fields, Vocabulary(), date(2030, 1, 1)) for doc in read.documents]
