"""``/brief-admin …`` for editors: add, edit, delete, restore, history, import, editor roles.

Discord applies ``default_member_permissions`` per top-level command, so editor commands
live in their own group (hidden from readers by default) and are checked again at run time.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord import embeds
from bot.adapters.discord.checks import (
    EDITOR_GROUP,
    HasEditorAccess,
    editors_only,
    ensure_editor,
    ensure_manager,
)
from bot.adapters.discord.deps import DiscordDeps
from bot.adapters.discord.errors import UserFacingError
from bot.adapters.discord.form_retry import guarded
from bot.adapters.discord.importing import documents_from_attachment
from bot.adapters.discord.modals import EntryForm, EntryModal
from bot.adapters.discord.safe_text import safe
from bot.adapters.discord.views import Confirm
from bot.domain.cooldowns import IMPORT
from bot.domain.corrections import EditKind, parse_edit_kind
from bot.domain.entries import Entry, Status
from bot.domain.entry_lines import keep_published, keep_values
from bot.service import BriefingService

# An editor role may edit entries, not hand editing to other roles or take the admin's away.
CHANGE_EDITORS = "Only members with Manage Server can change who edits."
STATUS_CHOICES = [app_commands.Choice(name=s.label, value=s.value) for s in Status]
CHANGE_CHOICES = [app_commands.Choice(name=k.label, value=k.value) for k in EditKind]


def actor_name(user: discord.abc.User) -> str:
    """How editors appear in revisions: their name and their stable id."""
    return f"{user.name} ({user.id})"


def _access(interaction: discord.Interaction) -> HasEditorAccess:
    bot = interaction.client
    assert isinstance(bot, commands.Bot)
    cog = bot.get_cog("BriefEditor")
    assert isinstance(cog, BriefEditor)
    return cog.deps


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class BriefEditor(
    commands.GroupCog, group_name=EDITOR_GROUP, group_description="Edit the briefing"
):
    """Editor commands; each calls one use case and answers privately."""

    editors = app_commands.Group(name="editors", description="Who may edit the briefing")

    def __init__(self, deps: DiscordDeps) -> None:
        self.deps = deps
        super().__init__()

    @property
    def service(self) -> BriefingService:
        return self.deps.service

    # -- add / edit -----------------------------------------------------------------------

    @app_commands.command(name="add", description="Add an entry (opens a form)")
    @app_commands.describe(
        topics="Comma-separated, e.g. deployment, munitions",
        actors="Comma-separated, e.g. north-korea, russia",
        status="How well the entry as a whole is established",
        importance="1 background · 2 notable · 3 major",
        event_date="When it happened (YYYY-MM-DD, default today)",
    )
    @app_commands.choices(status=STATUS_CHOICES)
    @editors_only(_access)
    async def add(
        self,
        interaction: discord.Interaction,
        topics: str,
        actors: str,
        status: app_commands.Choice[str],
        importance: app_commands.Range[int, 1, 3] = 2,
        event_date: str | None = None,
    ) -> None:
        fields: dict[str, Any] = {
            "topics": topics,
            "actors": actors,
            "status": status.value,
            "importance": importance,
            "event_date": event_date or self.deps.clock.now().date().isoformat(),
        }

        async def save(itx: discord.Interaction, form: EntryForm) -> None:
            await ensure_editor(itx, self.deps)
            entry = await self.service.add(_with_form(fields, form), actor_name(itx.user))
            await _saved(itx, entry, "Added")

        await interaction.response.send_modal(
            EntryModal("New briefing entry", EntryForm(), guarded("New briefing entry", save))
        )

    @app_commands.command(name="edit", description="Edit an entry (opens the form prefilled)")
    @app_commands.describe(
        entry="Start typing a title or slug",
        change="A correction tells every channel that received the entry; default: minor edit",
    )
    @app_commands.choices(status=STATUS_CHOICES, change=CHANGE_CHOICES)
    @editors_only(_access)
    async def edit(
        self,
        interaction: discord.Interaction,
        entry: str,
        topics: str | None = None,
        actors: str | None = None,
        status: app_commands.Choice[str] | None = None,
        importance: app_commands.Range[int, 1, 3] | None = None,
        event_date: str | None = None,
        change: app_commands.Choice[str] | None = None,
    ) -> None:
        kind = parse_edit_kind(change.value) if change else EditKind.MINOR
        current = await self.service.show(entry)
        c = current.content
        fields: dict[str, Any] = {
            "slug": c.slug,
            "topics": topics or list(c.topics),
            "actors": actors or list(c.actors),
            "status": status.value if status else c.status.value,
            "importance": importance or c.importance,
            "event_date": event_date or c.event_date.isoformat(),
            "reported_at": c.reported_at,
            "event_date_basis": c.event_date_basis.value,
        }
        published = {s.url or "": s.published for s in c.sources}
        outlets = {s.url or "": s.outlet for s in c.sources}

        async def save(itx: discord.Interaction, form: EntryForm) -> None:
            await ensure_editor(itx, self.deps)
            raw = _with_form(fields, form)
            raw["sources"] = keep_published(form.sources, published, outlets)
            raw["figures"] = keep_values(form.figures, c.figures)
            entry = await self.service.edit(
                c.slug, raw, actor_name(itx.user), expected_revision=current.revision, kind=kind
            )
            if kind is EditKind.CORRECTION:
                self.deps.notices.ring()  # the notices it owes go out now
            correcting = kind is EditKind.CORRECTION
            await _saved(itx, entry, "Saved as a correction" if correcting else "Saved")

        prefilled = EntryForm.of(c)
        if too_long := prefilled.too_long():
            # Opening it truncated would silently drop the rest on save.
            raise UserFacingError(
                f"`{c.slug}` has {' and '.join(too_long)} too long for the form (Discord allows "
                "4000 characters per box). Edit its brief file (`briefbot export`) and load "
                "it with /brief-admin import."
            )
        heading = f"Edit: {c.title}"
        await interaction.response.send_modal(
            EntryModal(heading, prefilled, guarded(heading, save))
        )

    # -- delete / restore / history -------------------------------------------------------

    @app_commands.command(name="delete", description="Delete an entry (it can be restored)")
    @app_commands.describe(entry="Start typing a title or slug")
    @editors_only(_access)
    async def delete(self, interaction: discord.Interaction, entry: str) -> None:
        found = await self.service.show(entry)

        async def confirmed(itx: discord.Interaction) -> None:
            await ensure_editor(itx, self.deps)
            await self.service.delete(found.slug, actor_name(itx.user))
            await itx.response.edit_message(
                content=f"Deleted `{found.slug}`. `/brief-admin restore` brings it back.",
                view=None,
            )

        view = Confirm(interaction.user.id, confirmed, confirm_label="Delete")
        await interaction.response.send_message(
            f"Delete **{safe(found.title, 200)}** (`{found.slug}`)?",
            view=view,
            ephemeral=True,
        )
        view.origin = interaction

    @app_commands.command(name="restore", description="Restore a deleted entry")
    @app_commands.describe(entry="The slug of the deleted entry")
    @editors_only(_access)
    async def restore(self, interaction: discord.Interaction, entry: str) -> None:
        restored = await self.service.restore(entry, actor_name(interaction.user))
        await interaction.response.send_message(
            f"Restored `{restored.slug}` (revision {restored.revision}).", ephemeral=True
        )

    @app_commands.command(name="history", description="Who changed an entry, what and when")
    @app_commands.describe(entry="Start typing a title or slug")
    @editors_only(_access)
    async def history(self, interaction: discord.Interaction, entry: str) -> None:
        found, revisions = await self.service.entry_history(entry)
        await interaction.response.send_message(
            embed=embeds.history(found, revisions), ephemeral=True
        )

    # -- import ---------------------------------------------------------------------------

    @app_commands.command(name="import", description="Import brief files (.md, .yaml or .zip)")
    @app_commands.describe(file="A brief file, or a .zip of them; all-or-nothing")
    @app_commands.checks.cooldown(IMPORT.uses, IMPORT.per_s, key=lambda i: i.user.id)
    @editors_only(_access)  # checked first (decorators apply bottom-up): readers are told so
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        documents, problems = await documents_from_attachment(file)
        result = await self.service.import_documents(
            documents, actor_name(interaction.user), problems=problems
        )
        await interaction.followup.send(
            f"Imported {len(result.added)} new, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged.",
            ephemeral=True,
        )

    # -- editor roles ---------------------------------------------------------------------

    @editors.command(name="add", description="Let members with this role edit the briefing")
    @editors_only(_access)
    async def editors_add(self, interaction: discord.Interaction, role: discord.Role) -> None:
        assert interaction.guild is not None
        ensure_manager(interaction, CHANGE_EDITORS)
        if role.is_default():
            raise UserFacingError("@everyone cannot be the editor role.")
        await self.deps.editor_access.grant(str(interaction.guild.id), str(role.id), admin=True)
        await interaction.response.send_message(
            f"Members with {role.mention} can now edit the briefing. Discord hides "
            "/brief-admin from them until a server admin allows the role in Server Settings → "
            "Integrations → Briefing Bot.",
            ephemeral=True,
        )

    @editors.command(name="remove", description="Stop letting this role edit the briefing")
    @editors_only(_access)
    async def editors_remove(self, interaction: discord.Interaction, role: discord.Role) -> None:
        assert interaction.guild is not None
        ensure_manager(interaction, CHANGE_EDITORS)
        await self.deps.editor_access.revoke(str(interaction.guild.id), str(role.id), admin=True)
        await interaction.response.send_message(
            f"{role.mention} is no longer an editor role.", ephemeral=True
        )

    # -- autocomplete ---------------------------------------------------------------------

    @edit.autocomplete("entry")
    @delete.autocomplete("entry")
    @history.autocomplete("entry")
    async def _entry_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=title[:100], value=slug)
            for slug, title in await self.service.suggest(current)
        ][:25]


def _with_form(fields: dict[str, Any], form: EntryForm) -> dict[str, Any]:
    return {
        **fields,
        "title": form.title,
        "summary": form.summary,
        "body": form.body,
        "sources": form.sources,
        "figures": form.figures,
    }


async def _saved(interaction: discord.Interaction, entry: Entry, verb: str) -> None:
    await interaction.response.send_message(
        f"{verb} `{entry.slug}` (revision {entry.revision}).",
        embed=embeds.entry_detail(entry),
        ephemeral=True,
    )
