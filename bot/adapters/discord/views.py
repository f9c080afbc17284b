"""Buttons: paging that only the invoker can use, confirmations and source links."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import discord

from bot.adapters.discord import errors
from bot.domain.entries import Source
from bot.domain.provenance import link_label
from bot.domain.text_safety import link_target, without_hidden

PAGE_TIMEOUT_S = 300.0
CONFIRM_TIMEOUT_S = 120.0
BUTTON_URL_LIMIT = 512


@dataclass(frozen=True, slots=True)
class PageContent:
    embeds: list[discord.Embed]
    has_next: bool


PageFetcher = Callable[[int], Awaitable[PageContent]]


class OwnedView(discord.ui.View):
    """A view only its invoker may press; its buttons are disabled when it times out.

    ``default_timeout`` is a class attribute so tests (and deployments) can shorten it.
    """

    default_timeout: ClassVar[float] = PAGE_TIMEOUT_S

    def __init__(self, owner_id: int, timeout: float | None = None) -> None:
        super().__init__(timeout=self.default_timeout if timeout is None else timeout)
        self.owner_id = owner_id
        self.origin: discord.Interaction | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await errors.answer_privately(
            interaction, "Only the person who ran this command can use these buttons."
        )
        return False

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        # After the bot has shut down there is no connection left to edit the message with.
        if self.origin is not None and not self.origin.client.is_closed():
            # The message may be gone or the token expired: then there is nothing to disable.
            with contextlib.suppress(discord.HTTPException):
                await self.origin.edit_original_response(view=self)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await errors.handle(interaction, error)


class Pager(OwnedView):
    """Previous / Next over pages fetched on demand."""

    def __init__(self, owner_id: int, fetch: PageFetcher, has_next: bool) -> None:
        super().__init__(owner_id)
        self.fetch = fetch
        self.page = 0
        self._sync(has_next)

    def _sync(self, has_next: bool) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = not has_next

    async def _show(self, interaction: discord.Interaction, page: int) -> None:
        content = await self.fetch(page)
        self.page = page
        self._sync(content.has_next)
        await interaction.response.edit_message(embeds=content.embeds, view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Pager]) -> None:
        await self._show(interaction, max(self.page - 1, 0))

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Pager]) -> None:
        await self._show(interaction, self.page + 1)


async def send_paged(
    interaction: discord.Interaction, fetch: PageFetcher, *, ephemeral: bool = False
) -> None:
    """Answer with the first page, adding Previous/Next only if there is more than one."""
    first = await fetch(0)
    if not first.has_next:
        await _send(interaction, first.embeds, None, ephemeral)
        return
    view = Pager(interaction.user.id, fetch, first.has_next)
    view.origin = interaction
    await _send(interaction, first.embeds, view, ephemeral)


async def _send(
    interaction: discord.Interaction,
    embeds: list[discord.Embed],
    view: discord.ui.View | None,
    ephemeral: bool,
) -> None:
    if interaction.response.is_done():
        if view is None:
            await interaction.followup.send(embeds=embeds, ephemeral=ephemeral)
        else:
            await interaction.followup.send(embeds=embeds, view=view, ephemeral=ephemeral)
    elif view is None:
        await interaction.response.send_message(embeds=embeds, ephemeral=ephemeral)
    else:
        await interaction.response.send_message(embeds=embeds, view=view, ephemeral=ephemeral)


def source_links(sources: Sequence[Source]) -> discord.ui.View | None:
    """Link buttons for an entry's sources (http(s) only: validated on the way in)."""
    view = discord.ui.View(timeout=None)
    for source in sources[:25]:
        if not source.url:
            continue  # "no link given": the entry's text says so, there is nothing to press
        url = link_target(source.url)  # an address stored before spaces etc. were refused
        if len(url) <= BUTTON_URL_LIMIT:
            label = without_hidden(link_label(source))[:80] or "Source"
            view.add_item(discord.ui.Button(label=label, url=url))
    return view if view.children else None


class Confirm(OwnedView):
    """A yes/no question for the invoker; ``on_confirm`` runs on yes."""

    default_timeout: ClassVar[float] = CONFIRM_TIMEOUT_S

    def __init__(
        self,
        owner_id: int,
        on_confirm: Callable[[discord.Interaction], Awaitable[None]],
        confirm_label: str = "Confirm",
    ) -> None:
        super().__init__(owner_id)
        self.on_confirm = on_confirm
        self.confirm.label = confirm_label

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction, _: discord.ui.Button[Confirm]
    ) -> None:
        self.stop()
        await self.on_confirm(interaction)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[Confirm]) -> None:
        self.stop()
        await interaction.response.edit_message(content="Cancelled; nothing changed.", view=None)
