"""A minimal discord.py bot (a ``/brief`` group) used to prove the stand-in is faithful."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

ENTRIES = ["nis-report-2024", "nis-briefing-2025", "troops-kursk"]


class PagerView(discord.ui.View):
    """A "Next" button that edits the message in place."""

    def __init__(self, page: int = 1) -> None:
        super().__init__(timeout=60)
        self.page = page

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary, custom_id="pager:next")
    async def next_page(self, itx: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.page += 1
        await itx.response.edit_message(content=f"Page {self.page}", view=self)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    """A modal with two text inputs."""

    subject: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Subject", custom_id="subject")
    body: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Details", style=discord.TextStyle.paragraph, custom_id="details", required=False
    )

    async def on_submit(self, itx: discord.Interaction) -> None:
        await itx.response.send_message(
            f"Thanks: {self.subject.value} / {self.body.value}", ephemeral=True
        )


class SampleBot(commands.Bot):
    """The bot under test in the stand-in's own suite."""

    def __init__(self, **options: Any) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            command_prefix="!",
            intents=intents,
            guild_ready_timeout=0.1,
            # The stand-in records any message that could ping (validation.mention_problems).
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.slow_delay = 0.0
        self.errors: list[BaseException] = []
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]
        self.tree.add_command(self._brief_group())

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def _on_tree_error(
        self, itx: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        self.errors.append(getattr(error, "original", error))

    def _brief_group(self) -> app_commands.Group:
        group = app_commands.Group(name="brief", description="Briefings")
        admin = app_commands.Group(name="admin", description="Admin tools", parent=group)
        bot = self

        @group.command(name="latest", description="The latest entry")
        async def latest(itx: discord.Interaction) -> None:
            embed = discord.Embed(title="Latest briefing", description="Troop movements")
            embed.add_field(name="Source", value="NIS")
            await itx.response.send_message(embed=embed, view=PagerView())

        @group.command(name="search", description="Search entries")
        async def search(itx: discord.Interaction, query: str, limit: int = 5) -> None:
            await itx.response.defer(thinking=True)
            await asyncio.sleep(0.05)
            embed = discord.Embed(title=f"Results for {query}", description=f"limit {limit}")
            await itx.edit_original_response(embed=embed)

        @group.command(name="show", description="Show an entry")
        async def show(itx: discord.Interaction, entry: str) -> None:
            await itx.response.send_message(f"Entry {entry}", ephemeral=True)

        @show.autocomplete("entry")
        async def show_entry(
            itx: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=e, value=e) for e in ENTRIES if current in e]

        @group.command(name="feedback", description="Send feedback")
        async def feedback(itx: discord.Interaction) -> None:
            await itx.response.send_modal(FeedbackModal())

        @group.command(name="import", description="Import a file")
        async def import_(itx: discord.Interaction, file: discord.Attachment) -> None:
            data = await file.read()
            await itx.response.send_message(f"{file.filename}: {len(data)} bytes {data[:5]!r}")

        @group.command(name="post", description="Post to a channel")
        async def post(
            itx: discord.Interaction,
            channel: discord.TextChannel,
            role: discord.Role | None = None,
            loud: bool = False,
        ) -> None:
            who = role.name if role else "nobody"
            perms = itx.permissions.manage_guild
            await itx.response.send_message(
                f"to {channel.name} for {who} loud={loud} manage_guild={perms}", ephemeral=True
            )

        @group.command(name="slow", description="Answers late")
        async def slow(itx: discord.Interaction) -> None:
            await asyncio.sleep(bot.slow_delay)
            await itx.response.send_message("finally")

        @admin.command(name="status", description="Status")
        async def status(itx: discord.Interaction) -> None:
            await itx.response.send_message("all good", ephemeral=True)

        return group
