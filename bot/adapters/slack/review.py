"""Intake on Slack: ``/brief feeds …``, ``/brief suggest <url>``, ``/brief queue``.

The same desk as Discord and the CLI; here only the words are parsed and the answers drawn
in Block Kit. A queue card's buttons carry the candidate id as their value, so a card keeps
working after a restart; every press and every form submit is checked again (newsroom,
editor) by the app before it reaches :meth:`Review.press` or :meth:`Review.submit`, and the
desk refuses a candidate someone already decided.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import (
    Block,
    Reply,
    actions,
    button,
    context,
    header,
    plain,
    section,
)
from bot.adapters.slack.deps import Invocation, SlackDeps
from bot.adapters.slack.escape import safe
from bot.adapters.slack.modals import (
    TEXT_INPUT_MAX,
    FormMeta,
    entry_modal,
    submitted_fields,
)
from bot.adapters.slack.parsing import options, split_command, words
from bot.domain.errors import InvalidInput, NotConfigured, UserError
from bot.usecases.intake_cards import Card, feed_lines
from bot.usecases.intake_desk import DEFAULT_EVERY, NO_INTAKE, IntakeDesk

QUEUE_ACTION = "intake"  # buttons: intake_approve, intake_merge, intake_reject, intake_later
QUEUE_FORM = "intake_form"  # modals: intake_form_approve, intake_form_merge, intake_form_reject
EMPTY = "The review queue is empty: nothing is waiting for a decision."
FEEDS_USAGE = (
    "Usage: `/brief feeds add <url> [every=MINUTES] [name…]`, `/brief feeds list`, "
    "`/brief feeds remove|pause|resume <number or url>`."
)
REASON_MAX = 500


def _address(token: str) -> str:
    """A link as Slack sends it (``<https://…>`` or ``<https://…|label>``), or as typed."""
    return token.strip().removeprefix("<").removesuffix(">").split("|", 1)[0]


def _words(text: str | None) -> list[str]:
    return [w.strip() for w in (text or "").split(",") if w.strip()]


def card_reply(card: Card | None, done: str = "", *, replace: bool = False) -> Reply:
    """What was done, then the next candidate with its four buttons (or an empty queue)."""
    lead = [section(safe(done, 2000))] if done else []
    if card is None:
        text = f"{done}\n{EMPTY}".strip()
        return Reply(text, [*lead, section(EMPTY)], replace_original=replace)
    c = card.candidate
    figures = "\n".join(f"• {safe(line, 300)}" for line in card.figure_lines) or "—"
    sources = "\n".join(
        f"• {safe(s['name'], 100)} — {safe(s['url'] or 'no link', 300)}" for s in c.sources
    )
    blocks: list[Block] = [
        *lead,
        header(c.title),
        section(f"*{safe(card.reported_by, 500)}*\n{safe(c.summary, 1500)}"),
        section(f"*Figures*\n{figures}"),
        section(f"*Sources*\n{sources}"),
    ]
    if card.matches:
        similar = "\n".join(f"• `{safe(slug, 100)}` — {safe(t, 200)}" for slug, t in card.matches)
        blocks.append(section(f"*Similar entries (Merge into one)*\n{similar}"))
    blocks.append(context(f"Candidate {c.id} · {card.pending} waiting for review"))
    value = str(c.id)
    blocks.append(
        actions(
            button("Approve", f"{QUEUE_ACTION}_approve", value, style="primary"),
            button("Merge", f"{QUEUE_ACTION}_merge", value),
            button("Reject", f"{QUEUE_ACTION}_reject", value, style="danger"),
            button("Later", f"{QUEUE_ACTION}_later", value),
            block_id=f"intake_card_{c.id}",
        )
    )
    return Reply(
        f"{done} Candidate {c.id}: {c.title[:200]}".strip(), blocks, replace_original=replace
    )


class Review:
    def __init__(self, deps: SlackDeps) -> None:
        self.deps = deps

    @property
    def desk(self) -> IntakeDesk:
        if self.deps.intake_desk is None:
            raise NotConfigured(NO_INTAKE)
        return self.deps.intake_desk

    # -- commands -------------------------------------------------------------------------

    async def feeds(self, inv: Invocation) -> Reply:
        action, rest = split_command(inv.text)
        if action == "add" and rest:
            positional, named = options(words(rest))
            every = named.get("every", str(DEFAULT_EVERY))
            if not every.isdigit():
                raise InvalidInput(f"every={every[:20]}: give the minutes between polls")
            name = " ".join(positional[1:]) or None
            include, exclude = _words(named.get("include")), _words(named.get("exclude"))
            feed = await self.desk.add_feed(
                _address(positional[0]), name, int(every), include, exclude
            )
            text = (
                f"Following feed {feed.id}: *{safe(feed.name, 100)}* ({safe(feed.url, 500)}), "
                f"every {feed.every_minutes} min."
            )
        elif action == "list" and not rest:
            followed = await self.desk.list_feeds()
            lines = [
                f"*{safe(head, 300)}*\n{safe(detail, 500)}"
                for head, detail in map(feed_lines, followed[:30])
            ]
            text = "\n".join(lines) or "No feeds yet: `/brief feeds add <url>`."
        elif action == "remove" and rest:
            feed = await self.desk.remove_feed(_address(rest))
            text = f"Removed feed {feed.id}: {safe(feed.name, 100)}."
        elif action in ("pause", "resume") and rest:
            feed = await self.desk.pause_feed(_address(rest), action == "pause")
            text = f"Feed {feed.id} ({safe(feed.name, 100)}) {action}d."
        else:
            raise InvalidInput(FEEDS_USAGE)
        return Reply(text, [section(text)])

    async def suggest(self, inv: Invocation) -> Reply:
        positional, named = options(words(inv.text))
        if len(positional) != 1:
            raise InvalidInput("Usage: `/brief suggest <url> [outlet=Name]`.")
        suggested = await self.desk.suggest_url(_address(positional[0]), named.get("outlet"))
        if suggested.candidate_id is None:
            text = "Already seen: the article joined an existing candidate or was read before."
        else:
            text = (
                f"Queued as candidate {suggested.candidate_id}: {safe(suggested.title, 300)}. "
                "`/brief queue` shows it."
            )
        return Reply(text, [section(text)])

    async def queue(self, inv: Invocation) -> Reply:
        return card_reply(await self.desk.next_card())

    # -- buttons and forms ----------------------------------------------------------------

    async def press(
        self,
        action: str,
        value: str,
        actor: str,
        response_url: str,
        trigger_id: str,
        client: AsyncWebClient,
    ) -> Reply | None:
        """A card's button: Later decides now; the others open their form."""
        candidate_id = int(value) if value.isdigit() else 0
        if action == "later":
            await self.desk.later(candidate_id, actor)
            done = f"Candidate {candidate_id} moved to the back of the queue."
            return card_reply(await self.desk.next_card(), done, replace=True)
        meta = json.dumps({"r": response_url, "c": candidate_id})
        if action == "approve":
            view = await self._approve_form(candidate_id)
        elif action == "merge":
            card = await self.desk.card(candidate_id)
            best = card.matches[0][0] if card.matches else ""
            label = "Into which entry? (slug, id or title words)"
            view = _one_box("merge", f"Merge candidate {candidate_id}", "entry", label, best, 200)
        else:
            await self.desk.card(candidate_id)  # refused now if already decided
            label = "Why? (kept, so the story does not come back)"
            title = f"Reject candidate {candidate_id}"
            view = _one_box("reject", title, "reason", label, "", REASON_MAX)
        view["private_metadata"] = meta
        await client.views_open(trigger_id=trigger_id, view=view)
        return None

    async def _approve_form(self, candidate_id: int) -> dict[str, Any]:
        draft = await self.desk.draft(candidate_id)
        if max(len(draft.sources), len(draft.figures)) > TEXT_INPUT_MAX:
            raise UserError(
                f"Candidate {candidate_id} has too many sources or figures for a Slack form; "
                f"approve it with `briefbot queue approve {candidate_id}`."
            )
        today = self.deps.clock.now().date()
        vocabulary = self.desk.service.vocabulary
        # The metadata is set by press(): this form answers on the card's response_url.
        view = entry_modal("Approve candidate", vocabulary, FormMeta("", ""), today)
        values = {**draft.raw, "sources": draft.sources, "figures": draft.figures}
        for block in view["blocks"]:
            _prefill(block["element"], values.get(block["block_id"]))
        view["callback_id"] = f"{QUEUE_FORM}_approve"
        return view

    async def submit(self, kind: str, view: dict[str, Any], actor: str) -> tuple[str, Reply]:
        """A review form saved: (the response_url to answer on, the answer)."""
        meta = json.loads(view.get("private_metadata") or "{}")
        candidate_id, url = int(meta.get("c", 0)), str(meta.get("r", ""))
        if kind == "approve":
            entry = await self.desk.approve(candidate_id, actor, submitted_fields(view))
            done = f"Approved candidate {candidate_id}: added `{entry.slug}` (/brief show)."
        elif kind == "merge":
            merged = await self.desk.merge(candidate_id, _typed(view, "entry"), actor)
            if merged.correction:
                self.deps.notices.ring()  # the notices it owes go out now
            how = (
                "as a correction: every channel whose digest carried it is told"
                if merged.correction
                else "as a minor edit"
            )
            done = (
                f"Merged candidate {candidate_id} into `{merged.entry.slug}` "
                f"(revision {merged.entry.revision}), {how}."
            )
        else:
            await self.desk.reject(candidate_id, actor, _typed(view, "reason"))
            done = f"Rejected candidate {candidate_id}; the story will not come back."
        return url, card_reply(await self.desk.next_card(), done, replace=True)


def _typed(view: dict[str, Any], block: str) -> str:
    values: dict[str, Any] = view.get("state", {}).get("values", {})
    return str(values.get(block, {}).get("value", {}).get("value") or "")


def _one_box(kind: str, title: str, block: str, label: str, initial: str, limit: int) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": "value", "max_length": limit}
    if initial:
        element["initial_value"] = initial
    return {
        "type": "modal",
        "callback_id": f"{QUEUE_FORM}_{kind}",
        "title": plain(title, 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            {"type": "input", "block_id": block, "label": plain(label, 2000), "element": element}
        ],
    }


def _prefill(element: Block, value: Any) -> None:
    """Set an entry-form element's initial value from the draft (what fits its kind)."""
    if value in (None, "", []):
        return
    kind = element.get("type")
    if kind == "plain_text_input":
        element["initial_value"] = str(value)[: element.get("max_length", TEXT_INPUT_MAX)]
    elif kind == "multi_static_select":
        chosen = [o for o in element["options"] if o["value"] in value]
        if chosen:
            element["initial_options"] = chosen
    elif kind == "static_select":
        chosen = [o for o in element["options"] if o["value"] == str(value)]
        if chosen:
            element["initial_option"] = chosen[0]
    elif kind == "datepicker":
        # An unreadable date leaves the picker on today: the editor sets it.
        with contextlib.suppress(ValueError):
            element["initial_date"] = date.fromisoformat(str(value)).isoformat()
