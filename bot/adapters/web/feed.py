"""The Atom feed (RFC 4287): the newest entries, and one item per correction, so feed readers
(MonitoRSS included) see a correction as news rather than a silent edit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from bot.domain.corrections import corrected_line
from bot.domain.entries import Correction, Entry
from bot.domain.permalinks import permalink_path
from bot.domain.text_safety import without_hidden

ATOM = "http://www.w3.org/2005/Atom"
FEED_TITLE = "Briefing: North Korea's military support to Russia"


def atom_feed(entries: Sequence[Entry], base_url: str, now: datetime) -> bytes:
    """The feed document for ``entries`` (newest first) under ``base_url``."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(_q("feed"))
    _text(feed, "title", FEED_TITLE)
    _text(feed, "id", base_url + "/")
    newest = max((_last_change(e) for e in entries), default=now)
    _text(feed, "updated", _stamp(newest))
    ET.SubElement(feed, _q("link"), rel="self", href=base_url + "/feed.atom")
    ET.SubElement(feed, _q("link"), rel="alternate", type="text/html", href=base_url + "/")
    author = ET.SubElement(feed, _q("author"))
    _text(author, "name", "Briefing Bot newsroom")
    items: list[tuple[datetime, ET.Element]] = []
    for entry in entries:
        items.append((entry.updated_at, _entry_item(entry, base_url)))
        for correction in entry.corrections:
            items.append((correction.at, _correction_item(entry, correction, base_url)))
    items.sort(key=lambda pair: pair[0], reverse=True)
    feed.extend(item for _, item in items)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


def _entry_item(entry: Entry, base_url: str) -> ET.Element:
    c = entry.content
    link = base_url + permalink_path(c.slug)
    item = ET.Element(_q("entry"))
    _text(item, "title", c.title)
    _text(item, "id", link)
    ET.SubElement(item, _q("link"), rel="alternate", type="text/html", href=link)
    _text(item, "published", _stamp(entry.created_at))
    _text(item, "updated", _stamp(entry.updated_at))
    summary = f"{c.status.label} · {c.event_date:%d %b %Y}. {c.summary}"
    if entry.corrections:
        summary += " " + corrected_line(entry.corrections[-1])
    _text(item, "summary", summary)
    for term in (*c.topics, *c.actors, f"status:{c.status.value}"):
        ET.SubElement(item, _q("category"), term=_clean(term))
    return item


def _correction_item(entry: Entry, correction: Correction, base_url: str) -> ET.Element:
    link = base_url + permalink_path(entry.slug) + f"#revision-{correction.revision}"
    item = ET.Element(_q("entry"))
    _text(item, "title", f"Correction: {entry.title}")
    _text(item, "id", link)
    ET.SubElement(item, _q("link"), rel="alternate", type="text/html", href=link)
    _text(item, "published", _stamp(correction.at))
    _text(item, "updated", _stamp(correction.at))
    _text(item, "summary", corrected_line(correction))
    ET.SubElement(item, _q("category"), term="correction")
    return item


def _last_change(entry: Entry) -> datetime:
    return max([entry.updated_at, *(c.at for c in entry.corrections)])


def _q(tag: str) -> str:
    return f"{{{ATOM}}}{tag}"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, _q(tag))
    element.text = _clean(text)
    return element


def _clean(text: str) -> str:
    # XML 1.0 cannot carry most control characters; a stored entry must not break the feed.
    visible = without_hidden(text)
    return "".join(ch for ch in visible if ch in "\t\n\r" or ord(ch) >= 0x20)


def _stamp(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
