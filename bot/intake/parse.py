"""Feeds and pages into items: feedparser for RSS/Atom, trafilatura for article pages."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import feedparser
import trafilatura

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v]+")
MAX_TEXT = 100_000


@dataclass(frozen=True, slots=True)
class Item:
    """One article as read from a feed or a page."""

    guid: str | None
    url: str | None
    title: str
    text: str
    published: date | None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    items: tuple[Item, ...]
    problem: str | None  # feedparser's "bozo" reason in words, when the feed was malformed


def plain(markup: str) -> str:
    """Text of an HTML fragment (feed summaries), paragraphs kept as lines."""
    text = re.sub(r"(?i)</p>|<br\s*/?>", "\n", markup)
    text = html.unescape(_TAG.sub("", text))
    return "\n".join(_SPACE.sub(" ", line).strip() for line in text.splitlines()).strip()


def _date(entry: Any) -> date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    year, month, day = parsed[:3]
    return datetime(year, month, day, tzinfo=UTC).date()


def parse_feed(body: bytes, content_type: str = "") -> ParsedFeed:
    """Every entry feedparser can read; a malformed feed keeps what it can, with the problem."""
    parsed = feedparser.parse(
        body, response_headers={"content-type": content_type or "application/xml"}
    )
    problem = None
    if parsed.get("bozo"):
        error = parsed.get("bozo_exception")
        problem = f"malformed feed ({type(error).__name__}: {str(error)[:120]})"
    if not parsed.get("version") and not parsed.entries:
        problem = "not a feed (no RSS or Atom found; an HTML page?)"
    items = []
    for entry in parsed.entries:
        content = entry.get("content") or []
        markup = content[0].get("value", "") if content else entry.get("summary", "")
        items.append(
            Item(
                guid=entry.get("id") or None,
                url=entry.get("link") or None,
                title=plain(entry.get("title", ""))[:300],
                text=plain(markup)[:MAX_TEXT],
                published=_date(entry),
            )
        )
    return ParsedFeed(tuple(items), problem)


def parse_page(body: str, url: str | None) -> Item | None:
    """An article page's own title, date and main text (trafilatura), or None if none."""
    document = trafilatura.bare_extraction(body, url=url, with_metadata=True)
    if document is None:
        return None
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = (data.get("text") or "").strip()
    if not text:
        return None
    published = None
    if data.get("date"):
        try:
            published = date.fromisoformat(str(data["date"])[:10])
        except ValueError:
            published = None
    return Item(
        None, url, (data.get("title") or text.split("\n", 1)[0])[:300], text[:MAX_TEXT], published
    )


def parse_text_file(text: str) -> Item:
    """A saved plain-text article: the first line is its title."""
    title, _, rest = text.strip().partition("\n")
    return Item(None, None, title.strip()[:300], (rest or title).strip()[:MAX_TEXT], None)
