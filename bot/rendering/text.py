"""Plain-text and Markdown renderings for the terminal (CLI and console adapter)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.domain.corrections import corrected_line
from bot.domain.digest import (
    Digest,
    DigestItem,
    digest_scope,
    digest_title,
    item_when,
    quiet_text,
)
from bot.domain.entries import MARK_END, MARK_START, Entry, Revision, Source, Status
from bot.domain.figures import FigureGroup, TrackedClaim, claim_date, claimant, own_counts
from bot.domain.provenance import dated, link_kind, link_label, source_text
from bot.domain.search_query import UNRANKED_NOTE
from bot.domain.text_safety import link_target
from bot.results import Page, SearchResults

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


def _source(source: Source, style: Style) -> str:
    """The source, what its link is (the article, the outlet's home page, none), the link."""
    if not source.url:
        return _typed(source_text(source), style)
    if style == "markdown":  # the address encoded so it cannot close its link early
        label = _typed(link_label(source), style)  # a home page is named as the outlet
        published = f", {source.published:%d %b %Y}" if source.published else ""
        return f"[{label}]({link_target(source.url)}){published}"
    return f"{source_text(source)}: {source.url}"


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
        f"{status_tag(c.status)}  event {dated(c.event_date, c.event_date_basis)}"
        f"  importance {c.importance}/3",
        f"topics: {', '.join(c.topics)}   actors: {', '.join(c.actors)}",
        *(corrected_line(correction) for correction in entry.corrections[-1:]),
        "",
        c.summary,
    ]
    if c.body:
        lines += ["", c.body]
    if c.figures:
        lines += ["", f"{m.bold}Figures{m.bold}"]
        lines += [
            f"{m.bullet} {f.display} {f.counts} — {claimant(f)} ({f.status.label.lower()})"
            for f in c.figures
        ]
    lines += ["", f"{m.bold}Sources{m.bold}"]
    for source in c.sources:
        address = f": {source.url}" if source.url else ""
        lines.append(f"{m.bullet} {source_text(source)}{address}")
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
            lines.append(
                f"{m.bullet} {claim_line(claim, own_counts(group, claim))} ({claim_date(claim)};"
                f" {', '.join(claim.entry_slugs)})"
            )
    return "\n".join(lines)


def claim_line(claim: TrackedClaim, counts: str = "") -> str:
    """``at least 1,500 — South Korea's NIS (relayed by President Yoon) · confirmed``, with
    what the claim counts when that differs from its group's heading."""
    f = claim.figure
    what = f" ({counts})" if counts else ""
    return f"{f.display}{what} — {claimant(f)} · {f.status.label.lower()}"


def claim_dict(claim: TrackedClaim) -> dict[str, Any]:
    """One claim for JSON readers: the number, its hedge and unit, who said it, how sure."""
    f = claim.figure
    return {
        "value": f.value,
        **({"high": f.high} if f.high is not None else {}),
        "qualifier": f.qualifier.value,
        "unit": f.unit,
        "display": f.display,
        "counts": f.counts,
        "originator": f.originator,
        "relays": list(f.relays),
        "status": f.status.value,
        "date": claim.event_date.isoformat(),
        "date_basis": claim.date_basis.value,
        "entries": list(claim.entry_slugs),
    }


def figures_json(groups: Sequence[FigureGroup]) -> str:
    """Every subject with its claims, for other tools (``briefbot figures --format json``)."""
    data = [
        {"subject": g.subject, "counts": g.counts, "claims": [claim_dict(c) for c in g.claims]}
        for g in groups
    ]
    return json.dumps(data, ensure_ascii=False, indent=2)


def render_history(revisions: Sequence[Revision]) -> str:
    """Who changed what, when."""
    lines = []
    for rev in revisions:
        changes = f": {', '.join(rev.changed_fields)}" if rev.changed_fields else ""
        when = f"{rev.at:%Y-%m-%d %H:%M} UTC"
        lines.append(f"r{rev.revision} {when}  {rev.action.value} by {rev.actor}{changes}")
        if rev.correction is not None:
            lines.append(f"    correction: {'; '.join(rev.correction)}")
    return "\n".join(lines)


def _item_line(item: DigestItem, style: Style, when: str) -> str:
    b = _MARKS[style].bold
    title = _typed(item.title, style)
    return f"{status_tag(item.status)} {b}{title}{b} ({when})"


def render_digest(digest: Digest, style: Style = "text", more_hint: str = "briefbot latest") -> str:
    """The digest as text or Markdown: top line, sections by topic, key figures, sources."""
    m = _MARKS[style]
    lines = [f"{m.heading}{digest_title(digest)}", digest_scope(digest)]

    def line(item: DigestItem) -> str:
        return _item_line(item, style, item_when(digest, item))

    if digest.is_quiet:
        lines += ["", quiet_text(digest)]
        if digest.latest is not None:
            latest = digest.latest
            when = dated(latest.event_date, latest.date_basis)
            lines.append(f"Most recent entry: {_item_line(latest, style, when)}")
            lines.append(f"  {_typed(latest.summary, style)}")
    else:
        lines += ["", f"{m.bold}Top developments{m.bold}"]
        lines += [f"{m.bullet} {line(item)}" for item in digest.headlines]
        for section in digest.sections:
            lines += ["", f"{m.heading}{section.topic.replace('-', ' ').capitalize()}"]
            for item in section.items:
                lines.append(f"{m.bullet} {line(item)}")
                lines.append(f"    {_typed(item.summary, style)}")
    if digest.key_figures:
        lines += ["", f"{m.heading}Key figures"]
        for group in digest.key_figures:
            claims = "; ".join(
                _typed(claim_line(c, own_counts(group, c)), style) for c in group.claims
            )
            lines.append(f"{m.bullet} {_typed(group.counts, style)}: {claims}")
    if digest.omitted:
        lines += ["", f"+{digest.omitted} more: {more_hint}"]
    if digest.sources:
        lines += ["", f"{m.bold}Sources{m.bold}"]
        lines += [f"{m.bullet} {_source(s, style)}" for s in digest.sources]
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
            "event_date_basis": i.date_basis.value,
            "recorded_on": i.recorded_on.isoformat() if i.recorded_on else None,
            "topic": i.topic,
        }

    data = {
        "kind": digest.kind.value,
        "title": digest_title(digest),
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
                "claims": [claim_dict(c) for c in g.claims],
            }
            for g in digest.key_figures
        ],
        "sources": [{"name": s.name, "url": s.url, "link": link_kind(s)} for s in digest.sources],
        "omitted": digest.omitted,
        "latest": item(digest.latest) if digest.latest else None,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
