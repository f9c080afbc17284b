"""``/brief`` for everyone: latest, show, search, since, timeline, figures, help.

Each handler parses its words, calls one use case and returns a :class:`Reply`; lists come
with Previous/Next buttons whose value carries the query, the page and who may press them.
"""

from __future__ import annotations

from typing import Any

from bot.adapters.slack import render
from bot.adapters.slack.blocks import Block, Reply, actions, button, context, section
from bot.adapters.slack.deps import Invocation
from bot.adapters.slack.errors import UserFacingError
from bot.adapters.slack.escape import safe
from bot.adapters.slack.parsing import is_date, parse_date, words
from bot.domain.entries import STATUS_SCOPE
from bot.service import BriefingService

PAGE_SIZE = 5
MAX_COUNT = 25
PAGE_ACTION = "brief_page"
HELP_TEXT = (
    "*Briefing Bot* keeps a curated, sourced record of North Korea's military support to "
    "Russia's war in Ukraine and the responses of South Korea, Ukraine and NATO. Every entry "
    "and every number carries who says so and how well it is established: "
    "🟢 confirmed · 🔵 reported · 🟡 unconfirmed claim · 🟠 disputed · 🔴 denied. "
    f"{STATUS_SCOPE}\n\n"
    "*Everyone*\n"
    "`/brief latest [count] [topic] [actor]` newest entries\n"
    "`/brief show <entry>` one entry in full, with its sources\n"
    '`/brief search <query>` full-text search ("exact phrase", -exclude, OR, prefix*)\n'
    "`/brief since YYYY-MM-DD` and `/brief timeline [from] [to] [actor]` in event order\n"
    "`/brief figures [subject]` every claim about each key number, side by side\n\n"
    "*Editors*, in the newsroom workspace only (admins and owners, or an editor user group)\n"
    "`/brief add`, `/brief edit <entry>` (forms), `/brief delete|restore|history <entry>`\n"
    "`/brief import <link to a shared .md, .yaml or .zip>`\n"
    "`/brief editors add|remove|list [@group]`\n"
    "`/brief feeds add|list|remove|pause|resume`, `/brief suggest <url>`, `/brief queue` intake\n"
    "*Each workspace's admins and owners*\n"
    "`/brief digest setup #channel 08:00 Asia/Seoul [topics=a,b] [quiet=skip]`, "
    "`/brief digest preview [YYYY-MM-DD]|now|status|off`"
)


class Reader:
    """Reader commands over the service; answers are visible in the channel, like Discord."""

    def __init__(self, service: BriefingService, public_url: str | None = None) -> None:
        self.service = service
        self.public_url = public_url

    async def latest(self, inv: Invocation) -> Reply:
        count, topic, actor = PAGE_SIZE, None, None
        vocabulary = self.service.vocabulary
        for word in words(inv.text):
            if word.isdigit():
                count = max(1, min(int(word), MAX_COUNT))
            elif word in vocabulary.topics:
                topic = word
            elif word in vocabulary.actors:
                actor = word
            else:
                raise UserFacingError(
                    f"'{word[:40]}' is not a count, topic or actor. Topics: "
                    f"{', '.join(vocabulary.topics)}. Actors: {', '.join(vocabulary.actors)}."
                )
        state = {"k": "latest", "o": inv.user_id, "n": count, "t": topic, "a": actor}
        return await self.page(state, 0)

    async def search(self, inv: Invocation) -> Reply:
        query = inv.text.strip()[:200]
        if not query:
            raise UserFacingError("Nothing to search for: `/brief search <words>`.")
        return await self.page({"k": "search", "o": inv.user_id, "q": query}, 0)

    async def page(self, state: dict[str, Any], number: int) -> Reply:
        """Page ``number`` of a paged list described by ``state`` (from a button's value)."""
        if state.get("k") == "search":
            query = str(state.get("q", ""))
            results = await self.service.search(query, number, PAGE_SIZE)
            if results.query.is_empty:
                raise UserFacingError("Nothing to search for: type at least one word.")
            if not results.hits:
                text = "No results." if number == 0 else "No more results."
                return Reply(text=text, blocks=[section(text)], ephemeral=False)
            blocks = render.search_results(query, results.hits, number, results.ranked)
            more = results.has_next
            text = f"Search: {safe(query, 200)}"
        else:
            count = int(state.get("n", PAGE_SIZE))
            result = await self.service.latest(PAGE_SIZE, number, state.get("t"), state.get("a"))
            shown = result.entries[: max(count - number * PAGE_SIZE, 0)]
            more = result.has_next and (number + 1) * PAGE_SIZE < count
            blocks = render.entry_cards(shown, self.public_url)
            text = "The newest briefing entries"
        return Reply(text=text, blocks=[*blocks, *pager(state, number, more)], ephemeral=False)

    async def show(self, inv: Invocation) -> Reply:
        ref = inv.text.strip()
        if not ref:
            raise UserFacingError("Which entry? `/brief show <slug>` (see `/brief latest`).")
        entry = await self.service.show(ref)
        return Reply(
            text=safe(entry.title, 200),
            blocks=render.entry_detail(entry, self.public_url),
            ephemeral=False,
        )

    async def since(self, inv: Invocation) -> Reply:
        if not inv.text.strip():
            raise UserFacingError("Since when? `/brief since YYYY-MM-DD`.")
        start = parse_date(inv.text, "date")
        entries = await self.service.timeline(start)
        title = f"Since {start:%d %B %Y}"
        return Reply(text=title, blocks=render.timeline(title, entries), ephemeral=False)

    async def timeline(self, inv: Invocation) -> Reply:
        dates = []
        actor = None
        for word in words(inv.text):
            if is_date(word):
                dates.append(parse_date(word, "date"))
            elif actor is None:
                actor = word
            else:
                raise UserFacingError("Usage: `/brief timeline [from] [to] [actor]`.")
        if len(dates) > 2:
            raise UserFacingError("At most two dates: `/brief timeline [from] [to] [actor]`.")
        low = dates[0] if dates else None
        high = dates[1] if len(dates) > 1 else None
        entries = await self.service.timeline(low, high, actor)
        return Reply(text="Timeline", blocks=render.timeline("Timeline", entries), ephemeral=False)

    async def figures(self, inv: Invocation) -> Reply:
        subject = inv.text.strip() or None
        tracker = await self.service.figures(subject)
        if subject and not tracker.groups:
            raise UserFacingError(f"No figures recorded for '{subject[:80]}'.")
        blocks = render.figures(tracker.groups)
        if tracker.notice:
            blocks.append(context(f"{tracker.notice} `/brief figures <subject>`"))
        return Reply(text="Key figures", blocks=blocks, ephemeral=False)

    async def help(self, inv: Invocation) -> Reply:
        return Reply(text="Briefing Bot: commands", blocks=[section(HELP_TEXT)])


def pager(state: dict[str, Any], number: int, has_next: bool) -> list[Block]:
    """Previous/Next buttons (none when everything fits on one page)."""
    if number == 0 and not has_next:
        return []
    buttons = []
    if number > 0:
        buttons.append(button("Previous", f"{PAGE_ACTION}_prev", {**state, "p": number - 1}))
    if has_next:
        buttons.append(
            button("Next", f"{PAGE_ACTION}_next", {**state, "p": number + 1}, style="primary")
        )
    return [actions(*buttons, block_id=PAGE_ACTION)]
