"""The review queue on Discord: one candidate at a time, with Approve, Merge, Reject, Later.

The buttons are :class:`discord.ui.DynamicItem`: their custom_id carries the candidate id
(``intake:approve:42``), so a card posted before a restart still works after it. Every
press and every form submit checks again that it comes from the newsroom and an editor, and
the desk refuses a candidate someone already decided ("already approved; nothing changed").
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.adapters.discord import embeds, errors
from bot.adapters.discord.checks import ensure_editor
from bot.adapters.discord.deps import DiscordDeps
from bot.adapters.discord.form_retry import guarded
from bot.adapters.discord.modals import FORM_TIMEOUT_S, EntryForm, EntryModal
from bot.adapters.discord.safe_text import safe
from bot.domain.errors import NotConfigured, UserError
from bot.usecases.intake_cards import Card
from bot.usecases.intake_desk import NO_INTAKE, IntakeDesk

ACTIONS = ("approve", "merge", "reject", "later")
LABELS = {"approve": "Approve", "merge": "Merge", "reject": "Reject", "later": "Later"}
STYLES = {
    "approve": discord.ButtonStyle.success,
    "merge": discord.ButtonStyle.primary,
    "reject": discord.ButtonStyle.danger,
    "later": discord.ButtonStyle.secondary,
}
REASON_MAX = 500
EMPTY = "The review queue is empty: nothing is waiting for a decision."
LINES_LIMIT = 1000


def deps_of(interaction: discord.Interaction) -> DiscordDeps:
    deps = getattr(interaction.client, "deps", None)
    assert isinstance(deps, DiscordDeps)
    return deps


def desk_of(deps: DiscordDeps) -> IntakeDesk:
    if deps.intake_desk is None:
        raise NotConfigured(NO_INTAKE)
    return deps.intake_desk


def actor(user: discord.abc.User) -> str:
    return f"{user.name} ({user.id})"


def _lines(lines: list[str], limit: int = LINES_LIMIT) -> str:
    """Escaped lines, as many whole ones as fit a field."""
    shown: list[str] = []
    for line in lines:
        text = safe(line, 300)
        if sum(len(s) + 1 for s in shown) + len(text) > limit:
            shown.append(f"…and {len(lines) - len(shown)} more")
            break
        shown.append(text)
    return "\n".join(shown) or "—"


def card_embed(card: Card) -> discord.Embed:
    c = card.candidate
    embed = discord.Embed(
        title=safe(c.title, 250),
        description=f"{safe(card.reported_by, 500)}\n\n{safe(c.summary, 1500)}",
        colour=embeds.NEUTRAL_COLOUR,
    )
    embed.add_field(name="Figures", value=_lines(list(card.figure_lines)), inline=False)
    sources = [f"{s['name']} — {s['url'] or 'no link'}" for s in c.sources]
    embed.add_field(name="Sources", value=_lines(sources), inline=False)
    if card.matches:
        similar = [f"{slug} — {title}" for slug, title in card.matches]
        embed.add_field(name="Similar entries (Merge into one)", value=_lines(similar))
    embed.set_footer(text=f"Candidate {c.id} · {card.pending} waiting for review")
    return embed


class QueueButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=re.compile(r"intake:(?P<action>approve|merge|reject|later):(?P<id>[0-9]{1,12})"),
):
    """One decision about one candidate; the custom_id survives restarts."""

    def __init__(self, action: str, candidate_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=LABELS[action],
                style=STYLES[action],
                custom_id=f"intake:{action}:{candidate_id}",
            )
        )
        self.action, self.candidate_id = action, candidate_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> QueueButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        # discord.py only logs a dynamic item's errors: answer the editor here.
        try:
            await self._decide(interaction)
        except Exception as error:
            await errors.handle(interaction, error)

    async def _decide(self, interaction: discord.Interaction) -> None:
        deps = deps_of(interaction)
        await ensure_editor(interaction, deps)
        desk, cid = desk_of(deps), self.candidate_id
        if self.action == "approve":
            await interaction.response.send_modal(await approve_modal(deps, desk, cid))
        elif self.action == "merge":
            card = await desk.card(cid)
            await interaction.response.send_modal(merge_modal(cid, card))
        elif self.action == "reject":
            await desk.card(cid)  # refused now, not after typing a reason, if already decided
            await interaction.response.send_modal(reject_modal(cid))
        else:
            await desk.later(cid, actor(interaction.user))
            await show_next(interaction, desk, f"Candidate {cid} moved to the back of the queue.")


def queue_view(card: Card) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        view.add_item(QueueButton(action, card.id))
    return view


async def show_next(interaction: discord.Interaction, desk: IntakeDesk, done: str = "") -> None:
    """Answer with what was done and the next candidate (or that the queue is empty)."""
    card = await desk.next_card()
    if card is None:
        text = f"{done}\n{EMPTY}".strip()
        await interaction.response.send_message(text, ephemeral=True)
        return
    await interaction.response.send_message(
        done or None, embed=card_embed(card), view=queue_view(card), ephemeral=True
    )


async def approve_modal(deps: DiscordDeps, desk: IntakeDesk, candidate_id: int) -> EntryModal:
    """The entry form prefilled from the candidate; saving creates the entry."""
    draft = await desk.draft(candidate_id)
    form = EntryForm(
        title=str(draft.raw["title"]),
        summary=str(draft.raw["summary"]),
        sources=draft.sources,
        figures=draft.figures,
    )
    if too_long := [n for n in form.too_long() if n in ("sources", "figures")]:
        # Opening it cut short would silently drop the rest on save.
        raise UserError(
            f"Candidate {candidate_id} has {' and '.join(too_long)} too long for the form; "
            f"approve it with `briefbot queue approve {candidate_id}`."
        )

    async def save(itx: discord.Interaction, typed: EntryForm) -> None:
        await ensure_editor(itx, deps)
        fields = {
            "title": typed.title,
            "summary": typed.summary,
            "body": typed.body,
            "sources": typed.sources,
            "figures": typed.figures,
        }
        entry = await desk.approve(candidate_id, actor(itx.user), fields)
        done = f"Approved candidate {candidate_id}: added `{entry.slug}` (/brief show)."
        await show_next(itx, desk, done)

    heading = f"Approve: {draft.raw['title']}"
    return EntryModal(heading, form, guarded(heading, save))


Decide = Callable[[DiscordDeps, IntakeDesk, str, str], Awaitable[str]]


class DecisionModal(discord.ui.Modal):
    """A one-box form (an entry to merge into, a reason to reject) that decides a candidate
    on submit, after checking again that the person may."""

    def __init__(
        self, title: str, box: discord.ui.TextInput[DecisionModal], decide: Decide
    ) -> None:
        super().__init__(title=title[:45], timeout=FORM_TIMEOUT_S)
        self.box, self._decide = box, decide
        self.add_item(box)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        deps = deps_of(interaction)
        await ensure_editor(interaction, deps)
        desk = desk_of(deps)
        done = await self._decide(deps, desk, actor(interaction.user), self.box.value)
        await show_next(interaction, desk, done)

    async def on_error(  # type: ignore[override]  # Modal's own signature has no item
        self, interaction: discord.Interaction, error: Exception
    ) -> None:
        await errors.handle(interaction, error)


def merge_modal(candidate_id: int, card: Card) -> DecisionModal:
    best = card.matches[0][0] if card.matches else None
    box: discord.ui.TextInput[DecisionModal] = discord.ui.TextInput(
        label="Into which entry? (slug, id or title words)",
        default=best,
        placeholder="e.g. " + (best or "nis-confirms-north-korean-special-forces-in-russia"),
        max_length=200,
    )

    async def merge(deps: DiscordDeps, desk: IntakeDesk, who: str, ref: str) -> str:
        merged = await desk.merge(candidate_id, ref, who)
        if merged.correction:
            deps.notices.ring()  # the notices it owes go out now
            how = "as a correction: every channel whose digest carried it is told"
        else:
            how = "as a minor edit"
        return (
            f"Merged candidate {candidate_id} into `{merged.entry.slug}` "
            f"(revision {merged.entry.revision}), {how}."
        )

    return DecisionModal(f"Merge candidate {candidate_id}", box, merge)


def reject_modal(candidate_id: int) -> DecisionModal:
    box: discord.ui.TextInput[DecisionModal] = discord.ui.TextInput(
        label="Why? (kept, so the story does not come back)",
        style=discord.TextStyle.paragraph,
        max_length=REASON_MAX,
    )

    async def reject(deps: DiscordDeps, desk: IntakeDesk, who: str, reason: str) -> str:
        await desk.reject(candidate_id, who, reason)
        return f"Rejected candidate {candidate_id}; the story will not come back."

    return DecisionModal(f"Reject candidate {candidate_id}", box, reject)
