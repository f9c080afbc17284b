"""The Slack app: slack-bolt's ``AsyncApp`` with ``/brief``, its buttons and its form.

Every listener acknowledges Slack at once (Slack waits 3 seconds), then answers through
the ``response_url`` with a :class:`~bot.adapters.slack.blocks.Reply`; errors go through
one wrapper (:func:`~bot.adapters.slack.errors.answering`). The entry form is the exception:
its submission is answered in the acknowledgement, so problems show next to their fields.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.blocks import Reply, text_reply
from bot.adapters.slack.cooldowns import SlackCooldowns
from bot.adapters.slack.deps import Invocation, SlackDeps
from bot.adapters.slack.digest import DigestCommands
from bot.adapters.slack.editor import CANCEL_ACTION, DELETE_ACTION, Editor
from bot.adapters.slack.errors import answering
from bot.adapters.slack.modals import ENTRY_CALLBACK, ERROR_TEXT_LIMIT, field_errors
from bot.adapters.slack.parsing import split_command
from bot.adapters.slack.permissions import Access
from bot.adapters.slack.poster import DIGEST_BUDGET, SlackDigestPoster, measure_digest
from bot.adapters.slack.reader import PAGE_ACTION, Reader
from bot.adapters.slack.review import QUEUE_ACTION, QUEUE_FORM, Review
from bot.domain import errors
from bot.domain.validation import EntryValidationError
from bot.platforms.runtime import DigestRuntime

log = logging.getLogger(__name__)

COMMAND = "/brief"
Handler = Callable[[Invocation, AsyncWebClient], Awaitable[Reply | None]]


class SlackBot:
    """The app and its digest machinery; everything it uses is handed in."""

    def __init__(
        self, deps: SlackDeps, client: AsyncWebClient, signing_secret: str | None = None
    ) -> None:
        self.deps = deps
        self.client = client
        self.runtime = DigestRuntime.of(
            "slack", deps, SlackDigestPoster(client), budget=DIGEST_BUDGET, measure=measure_digest
        )
        self.access = Access(deps.servers, deps.newsroom, deps.clock)
        self.reader = Reader(deps.service, deps.public_url)
        self.editor = Editor(deps, self.access)
        self.digests = DigestCommands(self.runtime.settings, self.access)
        self.review = Review(deps)
        self.cooldowns = SlackCooldowns(time.monotonic)
        self.app = AsyncApp(
            client=client,
            signing_secret=signing_secret or "",
            request_verification_enabled=bool(signing_secret),
            logger=logging.getLogger("slack_bolt"),
        )
        self._register()

    def start_notices(self, started: datetime) -> None:
        """Send correction notices owed to Slack channels, now and whenever one is saved."""
        self.runtime.start_notices(started)

    async def stop_notices(self) -> None:
        await self.runtime.stop_background()

    # -- routing --------------------------------------------------------------------------

    def _commands(self) -> dict[str, tuple[bool, Handler]]:
        """Subcommand → (editors only, handler)."""
        r, e, d, q = self.reader, self.editor, self.digests, self.review

        def plain(method: Callable[[Invocation], Awaitable[Reply]]) -> Handler:
            async def call(inv: Invocation, client: AsyncWebClient) -> Reply | None:
                return await method(inv)

            return call

        return {
            "latest": (False, plain(r.latest)),
            "show": (False, plain(r.show)),
            "search": (False, plain(r.search)),
            "since": (False, plain(r.since)),
            "timeline": (False, plain(r.timeline)),
            "figures": (False, plain(r.figures)),
            "help": (False, plain(r.help)),
            "add": (True, e.add),
            "edit": (True, e.edit),
            "delete": (True, plain(e.delete)),
            "restore": (True, plain(e.restore)),
            "history": (True, plain(e.history)),
            "import": (True, e.import_),
            "editors": (True, e.editors),
            "feeds": (True, plain(q.feeds)),
            "suggest": (True, plain(q.suggest)),
            "queue": (True, plain(q.queue)),
            "digest": (False, d.run),  # any workspace's own admins: DigestCommands checks
        }

    async def handle_command(self, inv: Invocation, client: AsyncWebClient) -> Reply | None:
        """Run one ``/brief`` call; unknown subcommands get the help."""
        commands = self._commands()
        name, rest = split_command(inv.text)
        if name not in commands:
            return await self._unknown(name)(inv, client)
        editors_only, handler = commands[name]
        if editors_only:
            await self.access.require_editor(client, inv.team_id, inv.user_id)
        # After the editor check: a reader is told they may not, not to wait.
        self.cooldowns.check(name, inv.team_id, inv.user_id)
        return await handler(replace(inv, text=rest), client)

    def _unknown(self, name: str) -> Handler:
        async def unknown(inv: Invocation, client: AsyncWebClient) -> Reply:
            help_reply = await self.reader.help(inv)
            intro = f"There is no `/brief {name[:30]}` command." if name != "help" else ""
            return Reply(
                text=help_reply.text, blocks=[*text_reply(intro).blocks, *help_reply.blocks]
            )

        return unknown

    # -- listeners ------------------------------------------------------------------------

    def _register(self) -> None:
        app = self.app
        app.command(COMMAND)(self._on_command)
        app.action(re.compile(f"^{PAGE_ACTION}_"))(self._on_page)
        app.action(DELETE_ACTION)(self._on_delete)
        app.action(CANCEL_ACTION)(self._on_cancel)
        app.view(ENTRY_CALLBACK)(self._on_entry_form)
        app.action(re.compile(f"^{QUEUE_ACTION}_"))(self._on_queue_button)
        app.view(re.compile(f"^{QUEUE_FORM}_"))(self._on_queue_form)
        app.error(self._on_error)

    async def _on_command(
        self, ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        inv = Invocation(
            team_id=str(command.get("team_id", "")),
            user_id=str(command.get("user_id", "")),
            user_name=str(command.get("user_name", "")),
            channel_id=str(command.get("channel_id", "")),
            text=str(command.get("text", "")),
            trigger_id=str(command.get("trigger_id", "")),
            response_url=str(command.get("response_url", "")),
        )
        what = f"{COMMAND} {split_command(inv.text)[0]}"
        reply = await answering(
            lambda: self.handle_command(inv, client), what, inv.team_id, inv.user_id
        )
        if reply is not None:
            await send(inv.response_url, reply)

    async def _on_page(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        user_id, team_id, url = _who(body)

        async def page() -> Reply:
            state = json.loads(body["actions"][0]["value"])
            if state.get("o") != user_id:
                return text_reply("Only the person who ran this command can use these buttons.")
            self.cooldowns.check(str(state.get("k")), team_id, user_id)
            reply = await self.reader.page(state, int(state.get("p", 0)))
            return Reply(reply.text, reply.blocks, reply.ephemeral, replace_original=True)

        reply = await answering(page, "paging", team_id, user_id)
        if reply is not None:
            await send(url, reply)

    async def _on_delete(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user_id, team_id, url = _who(body)

        async def delete() -> Reply:
            await self.access.require_editor(client, team_id, user_id)
            actor = f"{body.get('user', {}).get('username', '')} ({user_id})"
            return await self.editor.confirmed_delete(body["actions"][0]["value"], actor)

        reply = await answering(delete, "delete", team_id, user_id)
        if reply is not None:
            await send(url, reply)

    async def _on_cancel(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        reply = text_reply("Cancelled; nothing changed.")
        await send(_who(body)[2], Reply(reply.text, reply.blocks, replace_original=True))

    async def _on_entry_form(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        user_id, team_id, _ = _who(body)
        actor = f"{body.get('user', {}).get('username', '')} ({user_id})"
        try:
            await self.access.require_editor(client, team_id, user_id)
            entry, meta = await self.editor.save(view, actor)
        except EntryValidationError as error:  # each problem under its own field
            await ack(response_action="errors", errors=field_errors(error.problems))
            return
        except Exception as error:  # the form answers in its acknowledgement, not a reply
            message = errors.sentence(error, f"entry form (team {team_id}, user {user_id})", log)
            await ack(response_action="errors", errors=field_errors([message]))
            return
        await ack()
        verb = "Saved" if meta.slug else "Added"
        await send(meta.response_url, self.editor.saved(entry, verb))

    async def _on_queue_button(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        user_id, team_id, url = _who(body)
        action = body["actions"][0]

        async def press() -> Reply | None:
            await self.access.require_editor(client, team_id, user_id)
            kind = str(action.get("action_id", "")).removeprefix(f"{QUEUE_ACTION}_")
            trigger = str(body.get("trigger_id", ""))
            value = str(action.get("value", ""))
            return await self.review.press(kind, value, _actor(body), url, trigger, client)

        reply = await answering(press, "review queue", team_id, user_id)
        if reply is not None:
            await send(url, reply)

    async def _on_queue_form(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        user_id, team_id, _ = _who(body)
        kind = str(view.get("callback_id", "")).removeprefix(f"{QUEUE_FORM}_")
        try:
            await self.access.require_editor(client, team_id, user_id)
            url, reply = await self.review.submit(kind, view, _actor(body))
        except Exception as error:  # shown in the form: under each field, or its one box
            if isinstance(error, EntryValidationError) and kind == "approve":
                await ack(response_action="errors", errors=field_errors(error.problems))
                return
            message = errors.sentence(error, f"review form (team {team_id}, user {user_id})", log)
            block = view["blocks"][0]["block_id"]
            await ack(response_action="errors", errors={block: message[:ERROR_TEXT_LIMIT]})
            return
        await ack()
        await send(url, reply)

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.error("unhandled Slack request %s", body.get("type"), exc_info=error)


def _actor(body: dict[str, Any]) -> str:
    """How editors appear in revisions and decisions: their name and their stable id."""
    user = body.get("user") or {}
    return f"{user.get('username', '')} ({user.get('id', '')})"


def _who(body: dict[str, Any]) -> tuple[str, str, str]:
    """(user id, team id, response url) of an interactive payload."""
    user = body.get("user") or {}
    team = body.get("team") or {}
    team_id = str(team.get("id") or user.get("team_id") or "")
    return str(user.get("id", "")), team_id, str(body.get("response_url", ""))


async def send(response_url: str, reply: Reply) -> None:
    """Answer through Slack's ``response_url`` (valid 30 minutes, up to 5 times)."""
    if not response_url:
        log.warning("no response_url to answer with: %s", reply.text[:80])
        return
    response = await AsyncWebhookClient(response_url).send_dict(reply.payload())
    if response.status_code != 200:
        log.warning("Slack refused an answer (%s): %s", response.status_code, response.body)
