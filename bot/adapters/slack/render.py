"""Entries, search results, figures, history and digests drawn as Block Kit blocks.

Everything an entry's author typed passes through :func:`~bot.adapters.slack.escape.safe`,
so nothing in an entry can mention anyone or forge a link.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.adapters.slack.blocks import (
    MAX_BLOCKS,
    Block,
    chunk_lines,
    context,
    divider,
    fit,
    header,
    section,
)
from bot.adapters.slack.escape import highlighted, link, safe
from bot.domain.corrections import CorrectionNotice, corrected_line
from bot.domain.digest import Digest, digest_title
from bot.domain.entries import Entry, EntryContent, Revision, SearchHit, Status
from bot.domain.figures import FigureGroup, claim_date, claimant, own_counts
from bot.domain.permalinks import permalink
from bot.domain.provenance import dated, link_label, source_text
from bot.domain.search_query import UNRANKED_NOTE
from bot.rendering.digest_outline import OutlineItem, outline

CARD_SUMMARY_LIMIT = 700


def status_label(status: Status) -> str:
    """Icon and words, so the status reads without relying on colour."""
    return f"{status.icon} {status.label}"


def slack_date(moment: datetime, style: str = "{date_short_pretty} {time}") -> str:
    """Slack's date token: every reader sees the moment in their own time zone."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{style}|{fallback}>"


def entry_cards(entries: Sequence[Entry], public_url: str | None = None) -> list[Block]:
    """Compact cards for lists: title, status, date, summary, slug."""
    if not entries:
        return [section("No entries match.")]
    blocks: list[Block] = []
    for entry in entries:
        c = entry.content
        blocks.append(
            section(
                f"*{safe(c.title, 200)}*\n{status_label(c.status)} · {c.event_date:%d %b %Y}\n"
                f"{safe(c.summary, CARD_SUMMARY_LIMIT)}"
            )
        )
        blocks.append(
            context(f"`{c.slug}` · `/brief show {c.slug}` for details" + _web(c, public_url))
        )
    return blocks


def entry_detail(entry: Entry, public_url: str | None = None) -> list[Block]:
    """Everything about one entry: facts, summary, figures, sources, details, revision."""
    c = entry.content
    blocks: list[Block] = [
        header(c.title),
        section(
            f"*{status_label(c.status)}* · importance {c.importance}/3 · "
            f"{dated(c.event_date, c.event_date_basis, '%d %B %Y')}\n"
            f"*Topics:* {', '.join(c.topics)} · "
            f"*Actors:* {', '.join(c.actors)}"
        ),
        section(safe(c.summary)),
    ]
    if entry.corrections:
        blocks.insert(2, section(f"*{safe(corrected_line(entry.corrections[-1]), 600)}*"))
    if c.figures:
        lines = [
            f"• *{safe(f.display, 60)}* {safe(f.counts, 200)} — {safe(claimant(f), 400)} "
            f"({status_label(f.status)})"
            for f in c.figures
        ]
        chunks = chunk_lines(["*Figures*", *lines])
        blocks += [section(chunk) for chunk in chunks]
    sources = [
        f"• {safe(source_text(s), 300)}" + (f" · {link(s.url, link_label(s))}" if s.url else "")
        for s in c.sources
    ]
    blocks += [section(chunk) for chunk in chunk_lines(["*Sources*", *sources])]
    if c.body:
        blocks += [section(chunk) for chunk in chunk_lines(safe(c.body).split("\n"))]
    blocks.append(
        context(
            f"`{c.slug}` · revision {entry.revision} · last edited by "
            f"{safe(entry.updated_by, 200)} · {slack_date(entry.updated_at)}" + _web(c, public_url)
        )
    )
    return fit(blocks)


def _web(content: EntryContent, public_url: str | None) -> str:
    """`` · <permalink|on the web>`` when the web archive is public, else nothing."""
    url = permalink(public_url, content.slug)
    return f" · {link(url, 'on the web')}" if url else ""


def search_results(
    query: str, hits: Sequence[SearchHit], page: int, ranked: bool = True
) -> list[Block]:
    blocks: list[Block] = [section(f"*Search:* {safe(query, 200)} · page {page + 1}")]
    if not ranked:
        blocks.append(section(UNRANKED_NOTE))
    for hit in hits:
        c = hit.entry.content
        blocks.append(
            section(
                f"{c.status.icon} *{safe(c.title, 200)}*\n"
                f"{highlighted(hit.snippet, 700)}\n"
                f"{status_label(c.status)} · `{c.slug}` · {c.event_date:%d %b %Y}"
            )
        )
    return blocks


def timeline(title: str, entries: Sequence[Entry]) -> list[Block]:
    """Entries in event order, one line each, in as many sections as needed (≤ 50 blocks)."""
    lines = [
        f"`{e.content.event_date:%Y-%m-%d}` {status_label(e.content.status)} · "
        f"{safe(e.content.title, 150)} (`{e.slug}`)"
        for e in entries
    ]
    blocks = [header(title)]
    blocks += [section(chunk) for chunk in chunk_lines(lines)] or [section("No entries.")]
    return fit(blocks)


def figures(groups: Sequence[FigureGroup]) -> list[Block]:
    """The key-figures tracker: each quantity with every claim side by side."""
    blocks: list[Block] = [header("Key figures")]
    if not groups:
        return [*blocks, section("No figures recorded.")]
    room = MAX_BLOCKS - 2
    for group in groups[:room]:
        contested = " ⚖️ _claims differ_" if group.is_contested else ""
        lines = [f"*{safe(group.counts, 200)}*{contested}"]
        lines += [
            f"• *{safe(c.figure.display, 60)}*"
            + (f" ({safe(own_counts(group, c), 200)})" if own_counts(group, c) else "")
            + f" — {safe(claimant(c.figure), 300)} · "
            f"{status_label(c.figure.status)} · {claim_date(c)} (`{c.entry_slug}`)"
            for c in group.claims
        ]
        blocks.append(section(chunk_lines(lines)[0]))
    if len(groups) > room:
        blocks.append(context(f"+{len(groups) - room} more: `/brief figures <subject>`"))
    return blocks


def history(entry: Entry, revisions: Sequence[Revision]) -> list[Block]:
    lines = []
    for rev in revisions:
        changes = f": {', '.join(rev.changed_fields)}" if rev.changed_fields else ""
        if rev.correction is not None:
            changes += f"\n  ⚠️ *correction*: {safe('; '.join(rev.correction), 300)}"
        lines.append(
            f"r{rev.revision} · {slack_date(rev.at)} · *{rev.action.value}* "
            f"by {safe(rev.actor, 100)}{changes}"
        )
    blocks = [header(f"History: {entry.title}")]
    blocks += [section(chunk) for chunk in chunk_lines(lines)] or [section("No revisions.")]
    return fit(blocks)


def digest_blocks(
    digest: Digest,
    marker: str | None = None,
    more_hint: str = "/brief latest",
    *,
    fitted: bool = True,
) -> list[Block]:
    """The digest as one message (≤ 50 blocks); ``marker`` goes in the last context block.

    Recovery after a crash looks for the marker in the channel's history.
    """
    shape = outline(digest, marker, more_hint)
    blocks: list[Block] = [header(shape.title), context(shape.scope)]
    if shape.quiet is not None:
        text = shape.quiet
        if shape.latest is not None:
            text += f"\nMost recent entry: {_item_line(shape.latest)}"
        blocks.append(section(text))
    else:
        blocks.append(section("\n".join(f"• {_item_line(i)}" for i in shape.headlines)))
        for part in shape.sections:
            lines = [f"*{part.heading}*"]
            lines += [f"{_item_line(i)}\n{safe(i.item.summary, 300)}" for i in part.items]
            blocks += [section(chunk) for chunk in chunk_lines(lines)]
    if digest.key_figures:
        blocks.append(divider())
        blocks += figures(digest.key_figures)
    if digest.sources:
        names = ", ".join(
            link(s.url, link_label(s), 100) if s.url else safe(source_text(s), 120)
            for s in digest.sources
        )
        blocks.append(section(f"*Sources:* {names}"))
    footer = context(shape.footer)
    return [*fit(blocks, MAX_BLOCKS - 1), footer] if fitted else [*blocks, footer]


def digest_size(digest: Digest) -> int:
    """How many blocks the digest needs before any cut (the composer trims it to 50)."""
    return len(digest_blocks(digest, "digest · 0000-00-00", fitted=False))


def digest_text(digest: Digest) -> str:
    """The notification text of a digest (what a phone shows)."""
    return digest_title(digest)


def _item_line(line: OutlineItem) -> str:
    return f"{line.item.status.icon} *{safe(line.item.title, 200)}* ({line.when})"


def correction_blocks(notice: CorrectionNotice, marker: str) -> list[Block]:
    """A short correction notice; ``marker`` goes in the last context block (recovery)."""
    changes = [f"• {safe(change, 400)}" for change in notice.changes] or ["—"]
    blocks: list[Block] = [
        header(notice.heading),
        section(f"Corrected on {notice.at:%d %b %Y}. What changed:"),
    ]
    blocks += [section(chunk) for chunk in chunk_lines(changes)]
    blocks.append(section(f"The entry: `/brief show {notice.slug}`"))
    return [*fit(blocks, MAX_BLOCKS - 1), context(marker)]
