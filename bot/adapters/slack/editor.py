"""Editor commands: add and edit (modals), delete (confirm), restore, history, import, editors.

Every handler here runs only after :meth:`~bot.adapters.slack.permissions.Access.require_editor`
(the newsroom workspace's editors); button presses and form submissions are checked again,
since rights may change meanwhile.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import render
from bot.adapters.slack.blocks import Reply, actions, button, confirm_dialog, section
from bot.adapters.slack.deps import Invocation, SlackDeps
from bot.adapters.slack.errors import UserFacingError
from bot.adapters.slack.escape import safe
from bot.adapters.slack.importing import documents_from_shared_file
from bot.adapters.slack.modals import (
    FormMeta,
    entry_modal,
    submitted_change,
    submitted_fields,
    too_long,
)
from bot.adapters.slack.parsing import file_id, group_id, words
from bot.adapters.slack.permissions import Access
from bot.domain.corrections import EditKind
from bot.domain.entries import Entry
from bot.domain.entry_lines import keep_published, keep_values

# An editor group may edit entries, not hand editing to other groups or take the admins' away.
CHANGE_EDITORS = "Only workspace admins and owners can change who edits."
DELETE_ACTION = "brief_delete"
CANCEL_ACTION = "brief_cancel"


class Editor:
    def __init__(self, deps: SlackDeps, access: Access) -> None:
        self.deps = deps
        self.service = deps.service
        self.access = access

    # -- add / edit -----------------------------------------------------------------------

    async def add(self, inv: Invocation, client: AsyncWebClient) -> Reply | None:
        meta = FormMeta(inv.response_url, inv.channel_id)
        view = entry_modal("New briefing entry", self.service.vocabulary, meta, self._today())
        await client.views_open(trigger_id=inv.trigger_id, view=view)
        return None

    async def edit(self, inv: Invocation, client: AsyncWebClient) -> Reply | None:
        ref = inv.text.strip()
        if not ref:
            raise UserFacingError("Which entry? `/brief edit <slug>`.")
        current = await self.service.show(ref)
        if parts := too_long(current.content):
            raise UserFacingError(
                f"{current.slug} has {' and '.join(parts)} too long for a Slack form (3000 "
                "characters per box). Edit its brief file (briefbot export) and load it with "
                "/brief import."
            )
        meta = FormMeta(inv.response_url, inv.channel_id, current.slug, current.revision)
        heading = "Edit entry"
        view = entry_modal(heading, self.service.vocabulary, meta, self._today(), current.content)
        await client.views_open(trigger_id=inv.trigger_id, view=view)
        return None

    async def save(self, view: dict[str, Any], actor: str) -> tuple[Entry, FormMeta]:
        """Store a submitted form: a new entry, or the edit of the one the form was opened on.

        Raises the core's errors (validation, duplicate slug, stale revision) unchanged.
        """
        meta = FormMeta.decode(view.get("private_metadata", ""))
        raw = submitted_fields(view)
        if meta.slug is None:
            return await self.service.add(raw, actor), meta
        kind = submitted_change(view)
        current = await self.service.show(meta.slug)
        c = current.content
        raw["slug"] = c.slug
        raw["reported_at"] = c.reported_at
        raw["event_date_basis"] = c.event_date_basis.value
        raw["sources"] = keep_published(
            raw["sources"],
            {s.url or "": s.published for s in c.sources},
            {s.url or "": s.outlet for s in c.sources},
        )
        raw["figures"] = keep_values(raw["figures"], c.figures)
        entry = await self.service.edit(
            c.slug, raw, actor, expected_revision=meta.revision, kind=kind
        )
        if kind is EditKind.CORRECTION:
            self.deps.notices.ring()  # the notices it owes go out now
        return entry, meta

    @staticmethod
    def saved(entry: Entry, verb: str) -> Reply:
        text = f"{verb} `{entry.slug}` (revision {entry.revision})."
        return Reply(text=text, blocks=[section(text), *render.entry_detail(entry)])

    # -- delete / restore / history -------------------------------------------------------

    async def delete(self, inv: Invocation) -> Reply:
        ref = inv.text.strip()
        if not ref:
            raise UserFacingError("Which entry? `/brief delete <slug>`.")
        found = await self.service.show(ref)
        question = f"Delete *{safe(found.title, 200)}* (`{found.slug}`)?"
        confirm = confirm_dialog(
            "Delete this entry?", f"{found.title[:200]} — it can be restored later.", "Delete"
        )
        return Reply(
            text=question,
            blocks=[
                section(question),
                actions(
                    button("Delete", DELETE_ACTION, found.slug, style="danger", confirm=confirm),
                    button("Cancel", CANCEL_ACTION, found.slug),
                    block_id="brief_confirm",
                ),
            ],
        )

    async def confirmed_delete(self, slug: str, actor: str) -> Reply:
        deleted = await self.service.delete(slug, actor)
        text = f"Deleted `{deleted.slug}`. `/brief restore {deleted.slug}` brings it back."
        return Reply(text=text, blocks=[section(text)], replace_original=True)

    async def restore(self, inv: Invocation) -> Reply:
        restored = await self.service.restore(inv.text.strip(), inv.actor)
        text = f"Restored `{restored.slug}` (revision {restored.revision})."
        return Reply(text=text, blocks=[section(text)])

    async def history(self, inv: Invocation) -> Reply:
        found, revisions = await self.service.entry_history(inv.text)
        return Reply(text=f"History of {found.slug}", blocks=render.history(found, revisions))

    # -- import ---------------------------------------------------------------------------

    async def import_(self, inv: Invocation, client: AsyncWebClient) -> Reply:
        documents, problems = await documents_from_shared_file(
            client, file_id(inv.text), channel_id=inv.channel_id, user_id=inv.user_id
        )
        result = await self.service.import_documents(documents, inv.actor, problems=problems)
        text = (
            f"Imported {len(result.added)} new, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged."
        )
        return Reply(text=text, blocks=[section(text)])

    # -- editor user groups ---------------------------------------------------------------

    async def editors(self, inv: Invocation, client: AsyncWebClient) -> Reply:
        tokens = words(inv.text)
        action = tokens[0].lower() if tokens else "list"
        editors = self.access.editors
        if action in ("add", "remove") and len(tokens) == 2:
            await self.access.require_admin(client, inv.user_id, CHANGE_EDITORS)
            group = group_id(tokens[1])
            if action == "add":
                await editors.grant(inv.team_id, group, admin=True)
                text = f"Members of the user group `{group}` can now edit the briefing."
            else:
                await editors.revoke(inv.team_id, group, admin=True)
                text = f"The user group `{group}` is no longer an editor group."
        elif action == "list":
            groups = await editors.editor_groups(inv.team_id)
            named = ", ".join(f"`{g}`" for g in groups) or "none"
            text = f"Editors: workspace admins and owners, and members of the user groups: {named}."
        else:
            raise UserFacingError("Usage: `/brief editors add|remove @group` or `/brief editors`.")
        return Reply(text=text, blocks=[section(text)])

    def _today(self) -> date:
        return self.deps.clock.now().date()
