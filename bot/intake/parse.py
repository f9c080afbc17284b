"""Feeds and pages into items: feedparser for RSS/Atom, trafilatura for article pages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
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


# A cheap look at a feed's raw bytes, before feedparser: where each entry is and its key.
# Only str.find and patterns without repetition over the body, so a hostile feed cannot make
# it slow (no backtracking over 5 MiB).
_OPEN = re.compile(rb"<(item|entry)[\s>]")
_REL = re.compile(rb"\brel=[\"']([^\"']{0,40})[\"']")
_HREF_VALUE = re.compile(rb"\bhref=[\"']([^\"']{1,2000})[\"']")
_DECLARED = re.compile(rb"^\s{0,8}<\?xml[^>]{0,200}\bencoding=[\"']([^\"']{1,40})", re.I)
_CDATA = re.compile(r"^<!\[CDATA\[(.*)\]\]>$", re.S)
MAX_TAG = 2000


@dataclass(frozen=True, slots=True)
class Span:
    """An entry's place in the raw feed and its key as the bytes say (guid, else link)."""

    key: str
    start: int
    end: int


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace").strip()
    cdata = _CDATA.match(text)
    return cdata.group(1).strip() if cdata else html.unescape(text)


def _element(inner: bytes, name: bytes) -> str | None:
    """The text of the first ``<name>…</name>`` (attributes allowed), if any."""
    at = 0
    while (start := inner.find(b"<" + name, at)) >= 0:
        at = start + 1
        after = inner[start + len(name) + 1 : start + len(name) + 2]
        if after not in (b">", b" ", b"\t", b"\n", b"\r"):
            continue  # <identifier>, <links>…
        opened = inner.find(b">", start)
        closed = inner.find(b"</" + name, opened)
        if opened < 0 or closed < 0 or inner[opened - 1 : opened] == b"/":
            return None
        return _text(inner[opened + 1 : closed])
    return None


def _alternate_href(inner: bytes) -> str | None:
    """Atom's ``<link href=…/>`` whose rel is absent or "alternate"."""
    at = 0
    while (start := inner.find(b"<link", at)) >= 0:
        end = inner.find(b">", start)
        if end < 0:
            return None
        at = end
        tag = inner[start : end + 1]
        rel = _REL.search(tag)
        href = _HREF_VALUE.search(tag)
        if len(tag) <= MAX_TAG and href and (rel is None or rel.group(1) == b"alternate"):
            return _text(href.group(1))
    return None


def _span_key(inner: bytes, key: Callable[[str | None, str | None], str]) -> str | None:
    guid = _element(inner, b"guid") or _element(inner, b"id")
    if guid:
        return key(guid, None)
    link = _element(inner, b"link") or _alternate_href(inner)
    return key(None, link) if link else None


def entry_spans(body: bytes, key: Callable[[str | None, str | None], str]) -> list[Span]:
    """Where the entries are and their keys (``key(guid, link)``), read from the bytes
    without parsing; none for a body this look cannot read safely (UTF-16, other charsets).

    Only used to leave out entries already stored: an entry it misreads gets a key nothing
    has, so it is parsed as usual (never dropped)."""
    declared = _DECLARED.match(body)
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or (
        declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii")
    ):
        return []
    spans, at = [], 0
    while opened := _OPEN.search(body, at):
        name = opened.group(1)
        closed = body.find(b"</" + name, opened.end())
        end = body.find(b">", closed) + 1 if closed >= 0 else 0
        if end <= 0:
            break
        found = _span_key(body[opened.end() : closed], key)
        if found is not None:
            spans.append(Span(found, opened.start(), end))
        at = end
    return spans


def without(body: bytes, spans: list[Span]) -> bytes:
    """The feed with those entries cut out (the rest, channel and unknown entries, kept)."""
    parts, at = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        parts.append(body[at : span.start])
        at = span.end
    parts.append(body[at:])
    return b"".join(parts)


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
