"""``/brief …`` for everyone: latest, show, search, since, timeline, figures, help."""

from __future__ import annotations

from datetime import date

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord import embeds
from bot.adapters.discord.charts import chart_attachment
from bot.adapters.discord.deps import DiscordDeps
from bot.adapters.discord.drawn_pages import DrawnPages
from bot.adapters.discord.errors import UserFacingError
from bot.adapters.discord.views import PageContent, send_paged, source_links
from bot.domain.cooldowns import FIGURES, SEARCH
from bot.domain.entries import STATUS_SCOPE
from bot.results import Page
from bot.service import BriefingService

PAGE_SIZE = 5
MAX_CHOICES = 25
HELP_TEXT = (
    "**Briefing Bot** keeps a curated, sourced record of North Korea's military support to "
    "Russia's war in Ukraine and the responses of South Korea, Ukraine and NATO. Every entry "
    "and every number carries who says so and how well it is established: "
    "🟢 confirmed · 🔵 reported · 🟡 unconfirmed claim · 🟠 disputed · 🔴 denied. "
    f"{STATUS_SCOPE}\n\n"
    "**Everyone**\n"
    "`/brief latest [count] [topic] [actor]` newest entries\n"
    "`/brief show entry` one entry in full, with its sources\n"
    '`/brief search query` full-text search ("exact phrase", -exclude, OR, prefix*)\n'
    "`/brief since date` and `/brief timeline [from] [to] [actor]` in event order\n"
    "`/brief figures [subject]` every claim about each key number, side by side\n\n"
    "**Editors**, in the newsroom server only (Manage Server or an editor role)\n"
    "`/brief-admin add|edit|delete|restore|history|import`, `/brief-admin editors add|remove`\n"
    "`/brief-admin feeds …`, `/brief-admin suggest url`, `/brief-admin queue` intake review\n"
    "**Each server's admins** (Manage Server)\n"
    "`/digest setup|preview|now|status|off` the daily digest in a channel"
)


def _parse_date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserFacingError(f"{name}: '{text[:40]}' is not a date; use YYYY-MM-DD") from None


async def _choices(values: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=name[:100], value=value[:100]) for name, value in values][
        :MAX_CHOICES
    ]


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class BriefReader(commands.GroupCog, group_name="brief", group_description="The briefing"):
    """Reader commands: thin wrappers that call one use case and render embeds."""

    def __init__(self, deps: DiscordDeps) -> None:
        self.deps = deps
        self._latest_cards: DrawnPages[PageContent] = DrawnPages()
        super().__init__()

    @property
    def service(self) -> BriefingService:
        return self.deps.service

    @app_commands.command(name="latest", description="The newest entries")
    @app_commands.describe(
        count="How many entries (1–25, default 5)",
        topic="Only this topic",
        actor="Only entries involving this actor",
    )
    async def latest(
        self,
        interaction: discord.Interaction,
        count: app_commands.Range[int, 1, 25] = 5,
        topic: str | None = None,
        actor: str | None = None,
    ) -> None:
        def draw(result: Page, page: int) -> PageContent:
            shown = result.entries[: max(count - page * PAGE_SIZE, 0)]
            more = result.has_next and (page + 1) * PAGE_SIZE < count
            cards = [embeds.entry_card(e, self.deps.settings.public_url) for e in shown]
            if not cards:
                cards = [discord.Embed(description="No entries match.")]
            return PageContent(cards, more)

        async def fetch(page: int) -> PageContent:
            result = await self.service.latest(PAGE_SIZE, page, topic, actor)
            key = (page, count, topic, actor)
            return self._latest_cards.get(key, result, lambda: draw(result, page))

        await send_paged(interaction, fetch)

    @app_commands.command(name="show", description="One entry in full, with its sources")
    @app_commands.describe(entry="Start typing a title or slug")
    async def show(self, interaction: discord.Interaction, entry: str) -> None:
        found = await self.service.show(entry)
        view = source_links(found.content.sources)
        embed = embeds.entry_detail(found, self.deps.settings.public_url)
        if view is None:
            await interaction.response.send_message(embed=embed)
        else:
            await interaction.response.send_message(embed=embed, view=view)

    @app_commands.command(name="search", description="Search the briefing")
    @app_commands.describe(query='Words, "exact phrase", -exclude, OR, prefix*')
    @app_commands.checks.cooldown(SEARCH.uses, SEARCH.per_s, key=lambda i: i.user.id)
    async def search(
        self, interaction: discord.Interaction, query: app_commands.Range[str, 1, 200]
    ) -> None:
        async def fetch(page: int) -> PageContent:
            results = await self.service.search(query, page, PAGE_SIZE)
            if results.query.is_empty:
                raise UserFacingError("Nothing to search for: type at least one word.")
            if not results.hits:
                text = "No results." if page == 0 else "No more results."
                return PageContent([discord.Embed(title="Search", description=text)], False)
            embed = embeds.search_results(query, results.hits, page, results.ranked)
            return PageContent([embed], results.has_next)

        await send_paged(interaction, fetch)

    @app_commands.command(name="since", description="Everything since a date, oldest first")
    @app_commands.describe(date="YYYY-MM-DD")
    async def since(self, interaction: discord.Interaction, date: str) -> None:
        start = _parse_date(date, "date")
        entries = await self.service.timeline(start)
        embed = embeds.timeline(f"Since {start:%d %B %Y}", entries)
        await interaction.response.send_message(embed=embed)

    @app_commands.command(name="timeline", description="Entries in event order")
    @app_commands.describe(
        start="From (YYYY-MM-DD)", end="To (YYYY-MM-DD)", actor="Only this actor"
    )
    @app_commands.rename(start="from", end="to")
    async def timeline(
        self,
        interaction: discord.Interaction,
        start: str | None = None,
        end: str | None = None,
        actor: str | None = None,
    ) -> None:
        low = _parse_date(start, "from") if start else None
        high = _parse_date(end, "to") if end else None
        entries = await self.service.timeline(low, high, actor)
        await interaction.response.send_message(embed=embeds.timeline("Timeline", entries))

    @app_commands.command(name="figures", description="Key figures: every claim side by side")
    @app_commands.describe(subject="One quantity (start typing)")
    @app_commands.checks.cooldown(FIGURES.uses, FIGURES.per_s, key=lambda i: i.user.id)
    async def figures(self, interaction: discord.Interaction, subject: str | None = None) -> None:
        tracker = await self.service.figures(subject)
        if subject and not tracker.groups:
            raise UserFacingError(f"No figures recorded for '{subject[:80]}'.")
        embed = embeds.figures(tracker.groups)
        if not subject:
            # Without a subject the tracker may be a selection; its notice says so.
            await interaction.response.send_message(tracker.notice, embed=embed)
            return
        await interaction.response.defer(thinking=True)  # drawing may outlast 3 seconds
        chart, alt_text = await chart_attachment(tracker.groups[0])
        await interaction.followup.send(content=alt_text, embed=embed, file=chart)

    @app_commands.command(name="help", description="What this bot does and its commands")
    async def help(self, interaction: discord.Interaction) -> None:
        embed = discord.Embed(title="Briefing Bot", description=HELP_TEXT, colour=0x546E7A)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    # -- autocomplete ---------------------------------------------------------------------

    @show.autocomplete("entry")
    async def _entry_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await _choices(
            [(title, slug) for slug, title in await self.service.suggest(current)]
        )

    @search.autocomplete("query")
    async def _query_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        suggestions = await self.service.suggest(current) if current.strip() else []
        return await _choices([(title, title[:100]) for _, title in suggestions])

    @latest.autocomplete("topic")
    async def _topic_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        topics = self.service.vocabulary.topics
        return await _choices([(t, t) for t in topics if current.lower() in t])

    @latest.autocomplete("actor")
    @timeline.autocomplete("actor")
    async def _actor_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        actors = self.service.vocabulary.actors
        return await _choices([(a, a) for a in actors if current.lower() in a])

    @figures.autocomplete("subject")
    async def _subject_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        subjects = await self.service.figure_subjects(current)
        return await _choices([(counts, subject) for subject, counts in subjects])
