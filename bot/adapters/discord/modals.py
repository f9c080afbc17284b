"""The entry form: five text inputs (Discord's maximum) for what does not fit an option."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from bot.adapters.discord import errors
from bot.adapters.discord.views import OwnedView
from bot.domain.entries import EntryContent
from bot.domain.entry_lines import figure_lines, source_lines
from bot.domain.validation import BODY_MAX, SUMMARY_MAX, TITLE_MAX

TEXT_INPUT_MAX = 4000
FORM_TIMEOUT_S = 900.0


@dataclass(frozen=True, slots=True)
class EntryForm:
    """What an editor typed into the form (kept so nothing is lost on a failed submit)."""

    title: str = ""
    summary: str = ""
    body: str = ""
    sources: str = ""
    figures: str = ""

    @classmethod
    def of(cls, content: EntryContent) -> EntryForm:
        """The form prefilled from an entry, in the same line formats editors type."""
        return cls(
            title=content.title,
            summary=content.summary,
            body=content.body,
            sources=source_lines(content),
            figures=figure_lines(content),
        )

    def labelled(self) -> dict[str, str]:
        """Each input's text under the label the editor saw."""
        return {
            "Title": self.title,
            "Summary": self.summary,
            "Details": self.body,
            "Sources": self.sources,
            "Figures": self.figures,
        }

    def too_long(self) -> list[str]:
        """The inputs whose text does not fit the form (Discord caps each input)."""
        limits = {
            "title": (self.title, TITLE_MAX),
            "summary": (self.summary, SUMMARY_MAX),
            "details": (self.body, BODY_MAX),
            "sources": (self.sources, TEXT_INPUT_MAX),
            "figures": (self.figures, TEXT_INPUT_MAX),
        }
        return [name for name, (text, limit) in limits.items() if len(text) > limit]


Submit = Callable[[discord.Interaction, EntryForm], Awaitable[None]]


class EntryModal(discord.ui.Modal):
    """Title, summary, details, sources and figures; validated by the core on submit."""

    def __init__(self, heading: str, form: EntryForm, on_submit: Submit) -> None:
        super().__init__(title=heading[:45], timeout=FORM_TIMEOUT_S)
        self._submit = on_submit
        self.entry_title: discord.ui.TextInput[EntryModal] = discord.ui.TextInput(
            label="Title", default=form.title[:TITLE_MAX] or None, max_length=TITLE_MAX
        )
        self.summary: discord.ui.TextInput[EntryModal] = discord.ui.TextInput(
            label="Summary",
            style=discord.TextStyle.paragraph,
            default=form.summary[:SUMMARY_MAX] or None,
            max_length=SUMMARY_MAX,
        )
        self.body: discord.ui.TextInput[EntryModal] = discord.ui.TextInput(
            label="Details (optional)",
            style=discord.TextStyle.paragraph,
            default=form.body[:BODY_MAX] or None,
            required=False,
            max_length=BODY_MAX,
        )
        self.sources: discord.ui.TextInput[EntryModal] = discord.ui.TextInput(
            label="Sources: one per line, Name | https://…",
            style=discord.TextStyle.paragraph,
            default=form.sources[:TEXT_INPUT_MAX] or None,
            max_length=TEXT_INPUT_MAX,
        )
        self.figures: discord.ui.TextInput[EntryModal] = discord.ui.TextInput(
            label="Figures: value | what | claimed by | status",
            style=discord.TextStyle.paragraph,
            default=form.figures[:TEXT_INPUT_MAX] or None,
            required=False,
            max_length=TEXT_INPUT_MAX,
        )
        for item in (self.entry_title, self.summary, self.body, self.sources, self.figures):
            self.add_item(item)

    def typed(self) -> EntryForm:
        return EntryForm(
            title=self.entry_title.value,
            summary=self.summary.value,
            body=self.body.value,
            sources=self.sources.value,
            figures=self.figures.value,
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._submit(interaction, self.typed())

    async def on_error(  # type: ignore[override]  # Modal's own signature has no item
        self, interaction: discord.Interaction, error: Exception
    ) -> None:
        await errors.handle(interaction, error)


class ReopenForm(OwnedView):
    """Offered after a failed submit: reopens the form with everything the editor typed.

    Only the editor who typed it may press it (others are told so privately).
    """

    def __init__(self, owner_id: int, heading: str, form: EntryForm, on_submit: Submit) -> None:
        super().__init__(owner_id, timeout=FORM_TIMEOUT_S)
        self.heading = heading
        self.form = form
        self.on_submit = on_submit

    @discord.ui.button(label="Fix and resubmit", style=discord.ButtonStyle.primary)
    async def reopen(
        self, interaction: discord.Interaction, _: discord.ui.Button[ReopenForm]
    ) -> None:
        await interaction.response.send_modal(EntryModal(self.heading, self.form, self.on_submit))
