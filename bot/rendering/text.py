"""Plain-text and Markdown renderings for the terminal (CLI and console adapter)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.domain.digest import Digest, DigestItem
from bot.domain.entries import Entry, Revision, Status
from bot.domain.figures import FigureGroup
from bot.domain.search_query import UNRANKED_NOTE
from bot.domain.text_safety import link_target
from bot.service import Page, SearchResults
from bot.storage.entries import MARK_END, MARK_START

Style = Literal["text", "markdown"]


@dataclass(frozen=True, slots=True)
class _Marks:
    heading: str
    bold: str
    bullet: str
    highlight: tuple[str, str]


_MARKS: dict[Style, _Marks] = {
    "text": _Marks(heading="", bold="", bullet="  -", highlight=("[", "]")),
    "markdown": _Marks(heading="## ", bold="**", bullet="-", highlight=("**", "**")),
}


# Markdown punctuation that could turn entry text into a link, HTML, emphasis or a heading.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def _typed(text: str, style: Style) -> str:
    """Entry text shown as typed: in Markdown, ``[x](https://…)`` in a summary stays text."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text) if style == "markdown" else text


def _source(name: str, url: str, style: Style) -> str:
    if style == "markdown":  # the address encoded so it cannot close its link early
        return f"[{_typed(name, style)}]({link_target(url)})"
    return f"{name}: {url}"


def status_tag(status: Status) -> str:
    """``[CONFIRMED]``-style tag so no claim is mistaken for a fact."""
    return f"[{status.label.upper()}]"


def entry_line(entry: Entry, style: Style = "text") -> str:
    c = entry.content
    b = _MARKS[style].bold
    return f"{status_tag(c.status)} {c.event_date.isoformat()}  {b}{c.title}{b}  ({c.slug})"


def render_page(page: Page, style: Style = "text") -> str:
    """A page of entries, or a plain sentence when there are none."""
    if not page.entries:
        return "No entries match." if page.number == 0 else "No more entries."
    lines = []
    for entry in page.entries:
        lines.append(entry_line(entry, style))
        lines.append(f"    {entry.content.summary}")
    if page.has_next:
        lines.append(f"(more: page {page.number + 2})")
    return "\n".join(lines)


def render_entry(entry: Entry, style: Style = "text") -> str:
    """Everything about one entry: summary, details, figures, sources, revision."""
    c, m = entry.content, _MARKS[style]
    lines = [
        f"{m.heading}{c.title}",
        f"{status_tag(c.status)}  event {c.event_date.isoformat()}  importance {c.importance}/3",
        f"topics: {', '.join(c.topics)}   actors: {', '.join(c.actors)}",
        "",
        c.summary,
    ]
    if c.body:
        lines += ["", c.body]
    if c.figures:
        lines += ["", f"{m.bold}Figures{m.bold}"]
        lines += [
            f"{m.bullet} {f.display} {f.counts} — {f.claimed_by} ({f.status.label.lower()})"
            for f in c.figures
        ]
    lines += ["", f"{m.bold}Sources{m.bold}"]
    for source in c.sources:
        published = f", {source.published.isoformat()}" if source.published else ""
        lines.append(f"{m.bullet} {source.name}{published}: {source.url}")
    lines += [
        "",
        f"{c.slug} · revision {entry.revision} · last edited by {entry.updated_by} "
        f"on {entry.updated_at:%Y-%m-%d %H:%M} UTC",
    ]
    return "\n".join(lines)


def render_search(results: SearchResults, style: Style = "text") -> str:
    """Search hits with their snippets, matched words marked."""
    if results.query.is_empty:
        return "Nothing to search for: type at least one word."
    if not results.hits:
        return f"No results for {results.query.text.strip()[:100]!r}."
    start, end = _MARKS[style].highlight
    lines = [] if results.ranked else [UNRANKED_NOTE]
    for hit in results.hits:
        lines.append(entry_line(hit.entry, style))
        lines.append("    " + hit.snippet.replace(MARK_START, start).replace(MARK_END, end))
    if results.has_next:
        lines.append(f"(more: page {results.number + 2})")
    return "\n".join(lines)


def render_figures(groups: Sequence[FigureGroup], style: Style = "text") -> str:
    """Each quantity with every claim about it side by side."""
    if not groups:
        return "No figures recorded."
    m = _MARKS[style]
    lines: list[str] = []
    for group in groups:
        lines.append(f"{m.bold}{group.counts}{m.bold} ({group.subject})")
        for claim in group.claims:
            f = claim.figure
            lines.append(
                f"{m.bullet} {f.display} — {f.claimed_by}, {f.status.label.lower()}"
                f" ({claim.event_date.isoformat()}, {claim.entry_slug})"
            )
    return "\n".join(lines)


def render_history(revisions: Sequence[Revision]) -> str:
    """Who changed what, when."""
    lines = []
    for rev in revisions:
        changes = f": {', '.join(rev.changed_fields)}" if rev.changed_fields else ""
        when = f"{rev.at:%Y-%m-%d %H:%M} UTC"
        lines.append(f"r{rev.revision} {when}  {rev.action.value} by {rev.actor}{changes}")
    return "\n".join(lines)


def _item_line(item: DigestItem, style: Style) -> str:
    b = _MARKS[style].bold
    title = _typed(item.title, style)
    return f"{status_tag(item.status)} {b}{title}{b} ({item.event_date.isoformat()})"


def render_digest(digest: Digest, style: Style = "text", more_hint: str = "briefbot latest") -> str:
    """The digest as text or Markdown: top line, sections by topic, key figures, sources."""
    m = _MARKS[style]
    lines = [f"{m.heading}Briefing digest — {digest.local_date:%A %d %B %Y}"]
    if digest.is_quiet:
        lines += ["", "No new developments today."]
        if digest.latest is not None:
            lines.append(f"Most recent entry: {_item_line(digest.latest, style)}")
            lines.append(f"  {_typed(digest.latest.summary, style)}")
    else:
        lines += ["", f"{m.bold}Top developments{m.bold}"]
        lines += [f"{m.bullet} {_item_line(item, style)}" for item in digest.headlines]
        for section in digest.sections:
            lines += ["", f"{m.heading}{section.topic.replace('-', ' ').capitalize()}"]
            for item in section.items:
                lines.append(f"{m.bullet} {_item_line(item, style)}")
                lines.append(f"    {_typed(item.summary, style)}")
    if digest.key_figures:
        lines += ["", f"{m.heading}Key figures"]
        for group in digest.key_figures:
            claims = "; ".join(
                f"{_typed(c.figure.display, style)} — {_typed(c.figure.claimed_by, style)}, "
                f"{c.figure.status.label.lower()}"
                for c in group.claims
            )
            lines.append(f"{m.bullet} {_typed(group.counts, style)}: {claims}")
    if digest.omitted:
        lines += ["", f"+{digest.omitted} more: {more_hint}"]
    if digest.sources:
        lines += ["", f"{m.bold}Sources{m.bold}"]
        lines += [f"{m.bullet} {_source(s.name, s.url, style)}" for s in digest.sources]
    return "\n".join(lines)


def digest_json(digest: Digest) -> str:
    """The digest as JSON for other tools."""

    def item(i: DigestItem) -> dict[str, Any]:
        return {
            "slug": i.slug,
            "title": i.title,
            "summary": i.summary,
            "status": i.status.value,
            "importance": i.importance,
            "event_date": i.event_date.isoformat(),
            "topic": i.topic,
        }

    data = {
        "local_date": digest.local_date.isoformat(),
        "quiet": digest.is_quiet,
        "headlines": [item(i) for i in digest.headlines],
        "sections": [
            {"topic": s.topic, "items": [item(i) for i in s.items]} for s in digest.sections
        ],
        "key_figures": [
            {
                "subject": g.subject,
                "counts": g.counts,
                "claims": [
                    {
                        "display": c.figure.display,
                        "value": c.figure.value,
                        "claimed_by": c.figure.claimed_by,
                        "status": c.figure.status.value,
                        "entry": c.entry_slug,
                        "event_date": c.event_date.isoformat(),
                    }
                    for c in g.claims
                ],
            }
            for g in digest.key_figures
        ],
        "sources": [{"name": s.name, "url": s.url} for s in digest.sources],
        "omitted": digest.omitted,
        "latest": item(digest.latest) if digest.latest else None,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
