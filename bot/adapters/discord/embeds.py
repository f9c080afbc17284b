"""Entries, search results, figures and digests drawn as Discord embeds within its limits.

Limits (Discord's): title 256, description 4096, 25 fields of name 256 / value 1024,
footer 2048, and 6000 characters across all embeds of one message, at most 10 embeds.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.adapters.discord.safe_text import highlighted, safe
from bot.domain.corrections import corrected_line
from bot.domain.digest import Digest
from bot.domain.entries import Entry, Figure, Revision, SearchHit, Status
from bot.domain.figures import FigureGroup, TrackedClaim, claim_date, claimant, own_counts
from bot.domain.permalinks import permalink
from bot.domain.provenance import dated, link_label, source_text
from bot.domain.search_query import UNRANKED_NOTE
from bot.domain.text_safety import link_target
from bot.rendering.digest_outline import OutlineItem, outline

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024
FIELD_NAME_LIMIT = 256
MAX_FIELDS = 25
MESSAGE_EMBED_BUDGET = 6000
MAX_EMBEDS = 10

STATUS_COLOURS: dict[Status, int] = {
    Status.CONFIRMED: 0x2E7D32,
    Status.REPORTED: 0x1565C0,
    Status.UNCONFIRMED: 0xF9A825,
    Status.DISPUTED: 0xEF6C00,
    Status.DENIED: 0xC62828,
}
NEUTRAL_COLOUR = 0x546E7A


def status_label(status: Status) -> str:
    """Icon and words, so the status reads without relying on colour."""
    return f"{status.icon} {status.label}"


def embeds_size(embeds: Sequence[discord.Embed]) -> int:
    """Characters Discord counts toward its 6000-per-message limit."""
    return sum(len(embed) for embed in embeds)


CARD_SUMMARY_LIMIT = 700
BODY_RESERVE = 500


def entry_card(entry: Entry, public_url: str | None = None) -> discord.Embed:
    """A compact card for lists: title, status, date, summary.

    At most ~1,100 characters, so five cards fit one message's 6000 even when escaping
    Markdown and mentions has made the summary longer than the 600 typed.
    """
    c = entry.content
    embed = discord.Embed(
        title=safe(c.title, TITLE_LIMIT),
        description=(
            f"**{status_label(c.status)}** · {c.event_date:%d %b %Y}\n"
            f"{safe(c.summary, CARD_SUMMARY_LIMIT)}"
        ),
        colour=STATUS_COLOURS[c.status],
        # The title links to the entry's page in the web archive, when it is public.
        url=permalink(public_url, c.slug),
    )
    embed.set_footer(text=f"{c.slug} · /brief show for details")
    return embed


def entry_detail(entry: Entry, public_url: str | None = None) -> discord.Embed:
    """Everything about one entry that fits one message; sources go on link buttons beside it.

    Within 6000 characters: summary and facts first, then figures (a pointer to
    ``/brief figures`` replaces those that do not fit), then as much of the details as fits.
    """
    c = entry.content
    head = f"**{status_label(c.status)}** · importance {c.importance}/3\n\n"
    if entry.corrections:
        head += f"**{safe(corrected_line(entry.corrections[-1]), 600)}**\n\n"
    embed = discord.Embed(
        title=safe(c.title, TITLE_LIMIT),
        description=head + safe(c.summary, DESCRIPTION_LIMIT - len(head)),
        colour=STATUS_COLOURS[c.status],
        timestamp=entry.updated_at,
        url=permalink(public_url, c.slug),
    )
    embed.add_field(
        name="Event date", value=dated(c.event_date, c.event_date_basis, "%d %B %Y"), inline=True
    )
    embed.add_field(name="Topics", value=", ".join(c.topics), inline=True)
    embed.add_field(name="Actors", value=", ".join(c.actors), inline=True)
    sources = "\n".join(safe(source_text(s), 300) for s in c.sources)
    sources_value = shorten_block(sources)
    embed.set_footer(
        text=f"{c.slug} · revision {entry.revision} · last edited by {entry.updated_by}"[:2048]
    )
    fixed = len(embed) + len("Sources") + len(sources_value)
    figure_fields = _figure_fields(c.figures)
    room = MESSAGE_EMBED_BUDGET - fixed - (BODY_RESERVE if c.body else 0)
    shown = 0
    for name, value in figure_fields:
        if shown == MAX_FIELDS - 5 or len(name) + len(value) > room - 80:
            break
        embed.add_field(name=name, value=value, inline=False)
        room -= len(name) + len(value)
        shown += 1
    if shown < len(figure_fields):
        embed.add_field(
            name="More figures",
            value=f"{len(c.figures)} figures in all: `/brief figures` lists every claim.",
            inline=False,
        )
    embed.add_field(name="Sources", value=sources_value, inline=False)
    if c.body:
        description = embed.description or ""
        room = min(DESCRIPTION_LIMIT - len(description), MESSAGE_EMBED_BUDGET - len(embed)) - 2
        if room > 40:
            embed.description = description + "\n\n" + safe(c.body, room)
    return embed


def _figure_fields(figures: Sequence[Figure]) -> list[tuple[str, str]]:
    lines = [
        f"**{safe(f.display, 60)}** {safe(f.counts, 200)} — {safe(claimant(f), 400)} "
        f"({status_label(f.status)})"
        for f in figures
    ]
    return [("Figures" if i == 0 else "Figures (cont.)", chunk) for i, chunk in _chunks(lines)]


def _chunks(lines: Sequence[str], limit: int = FIELD_VALUE_LIMIT) -> list[tuple[int, str]]:
    """Pack lines into field values of at most ``limit`` characters."""
    chunks: list[str] = []
    for line in lines:
        line = line[:limit]
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return list(enumerate(chunks))


def shorten_block(text: str, limit: int = FIELD_VALUE_LIMIT) -> str:
    """Cut multi-line text to ``limit`` at a line end where possible."""
    if len(text) <= limit:
        return text or "—"
    cut = text[: limit - 1]
    return (cut.rsplit("\n", 1)[0] if "\n" in cut else cut) + "…"


def search_results(
    query: str, hits: Sequence[SearchHit], page: int, ranked: bool = True
) -> discord.Embed:
    """One embed listing hits with highlighted snippets (newest first when not ``ranked``)."""
    embed = discord.Embed(title=safe(f"Search: {query}", TITLE_LIMIT), colour=NEUTRAL_COLOUR)
    if not ranked:
        embed.description = UNRANKED_NOTE
    for hit in hits:
        c = hit.entry.content
        name = f"{c.status.icon} {c.title}"
        value = (
            f"{highlighted(hit.snippet, 700)}\n"
            f"{status_label(c.status)} · `{c.slug}` · {c.event_date:%d %b %Y}"
        )
        embed.add_field(name=safe(name, FIELD_NAME_LIMIT), value=value[:FIELD_VALUE_LIMIT])
    embed.set_footer(text=f"Page {page + 1}")
    return embed


def timeline(title: str, entries: Sequence[Entry]) -> discord.Embed:
    """Entries in event order, one line each."""
    lines = [
        f"`{e.content.event_date:%Y-%m-%d}` {status_label(e.content.status)} · "
        f"{safe(e.content.title, 150)} (`{e.slug}`)"
        for e in entries
    ]
    text = shorten_block("\n".join(lines), DESCRIPTION_LIMIT) if lines else "No entries."
    return discord.Embed(title=safe(title, TITLE_LIMIT), description=text, colour=NEUTRAL_COLOUR)


def figures(groups: Sequence[FigureGroup]) -> discord.Embed:
    """The key-figures tracker: each quantity with every claim side by side."""
    embed = discord.Embed(title="Key figures", colour=NEUTRAL_COLOUR)
    if not groups:
        embed.description = "No figures recorded."
    for group in groups[:MAX_FIELDS]:
        lines = [
            f"**{safe(c.figure.display, 60)}**{_counts_note(group, c)} — "
            f"{safe(claimant(c.figure), 300)} · "
            f"{status_label(c.figure.status)} · {claim_date(c)}"
            for c in group.claims
        ]
        name = ("⚖️ " if group.is_contested else "") + group.counts
        embed.add_field(name=safe(name, FIELD_NAME_LIMIT), value=shorten_block("\n".join(lines)))
    if len(groups) > MAX_FIELDS:
        embed.set_footer(text=f"+{len(groups) - MAX_FIELDS} more: /brief figures subject:…")
    return _fit(embed)


def _counts_note(group: FigureGroup, claim: TrackedClaim) -> str:
    counts = own_counts(group, claim)
    return f" ({safe(counts, 200)})" if counts else ""


def history(entry: Entry, revisions: Sequence[Revision]) -> discord.Embed:
    """Who changed what, when."""
    lines = []
    for rev in revisions:
        changes = f": {', '.join(rev.changed_fields)}" if rev.changed_fields else ""
        corrected = ""
        if rev.correction is not None:
            corrected = f"\n  ⚠️ **correction**: {safe('; '.join(rev.correction), 300)}"
        lines.append(
            f"r{rev.revision} · <t:{int(rev.at.timestamp())}:f> · **{rev.action.value}** "
            f"by {safe(rev.actor, 100)}{changes}{corrected}"
        )
    return discord.Embed(
        title=safe(f"History: {entry.title}", TITLE_LIMIT),
        description=shorten_block("\n".join(lines), DESCRIPTION_LIMIT),
        colour=NEUTRAL_COLOUR,
    )


def digest_embeds(
    digest: Digest, marker: str | None = None, more_hint: str = "/brief latest"
) -> list[discord.Embed]:
    """The digest as one message's embeds (≤ 10, ≤ 6000 characters in all).

    ``marker`` goes in the footer: it identifies a posted digest, and recovery after a crash
    looks for it in the channel's history.
    """
    shape = outline(digest, marker, more_hint)
    main = discord.Embed(title=shape.title, colour=NEUTRAL_COLOUR)
    scope = f"*{shape.scope}*\n"
    if shape.quiet is not None:
        main.description = scope + shape.quiet
        if shape.latest is not None:
            main.description += f"\nMost recent entry: {_item_line(shape.latest)}"
    else:
        main.description = scope + "\n".join(f"• {_item_line(i)}" for i in shape.headlines)
        for part in shape.sections[: MAX_FIELDS - 2]:
            lines = [f"{_item_line(i)}\n{safe(i.item.summary, 300)}" for i in part.items]
            main.add_field(name=part.heading, value=shorten_block("\n".join(lines)), inline=False)
    embeds = [main]
    if digest.key_figures:
        embeds.append(figures(digest.key_figures))
    if digest.sources:
        sources = ", ".join(
            f"[{safe(link_label(s), 100)}]({link_target(s.url)})"
            if s.url
            else safe(source_text(s), 120)
            for s in digest.sources
        )
        embeds[-1].add_field(name="Sources", value=shorten_block(sources), inline=False)
    embeds[-1].set_footer(text=shape.footer)
    return embeds


def _item_line(line: OutlineItem) -> str:
    return f"{line.item.status.icon} **{safe(line.item.title, 200)}** ({line.when})"


def _fit(embed: discord.Embed) -> discord.Embed:
    """Drop trailing fields until the embed alone fits a message's budget."""
    while len(embed) > MESSAGE_EMBED_BUDGET and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed
