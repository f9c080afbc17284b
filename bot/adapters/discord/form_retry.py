"""A rejected entry form is answered with every problem, a way back in, and the typed text.

Kept apart from the editor cog so the cog stays a list of commands.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import discord

from bot.adapters.discord.errors import describe
from bot.adapters.discord.modals import EntryForm, ReopenForm
from bot.domain.validation import EntryValidationError


def guarded(
    heading: str, save: Callable[[discord.Interaction, EntryForm], Any]
) -> Callable[[discord.Interaction, EntryForm], Any]:
    """Wrap a save so a rejected form is answered with every problem and the typed text."""

    async def submit(interaction: discord.Interaction, form: EntryForm) -> None:
        try:
            await save(interaction, form)
        except EntryValidationError as error:
            message = describe(error) or str(error)
            message += (
                "\n\nNothing was saved. **Fix and resubmit** reopens the form as you typed it;"
            )
            message += " your text is also attached."
            typed = "\n\n".join(
                f"## {name}\n{value}" for name, value in form.labelled().items() if value
            )
            await interaction.response.send_message(
                message[:2000],
                view=ReopenForm(interaction.user.id, heading, form, submit),
                file=discord.File(io.BytesIO(typed.encode()), filename="your-entry.txt"),
                ephemeral=True,
            )

    return submit
