"""``/brief-admin feeds …``, ``/brief-admin suggest`` and ``/brief-admin queue``.

They join the editor group (newsroom only, editors only, checked on every use) rather than
a group of their own: Discord applies default permissions per top-level command, and one
``/brief-admin`` keeps every editor command where editors look. Each calls the intake desk
and answers privately.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord.checks import HasEditorAccess, editors_only, ensure_editor
from bot.adapters.discord.review_queue import deps_of, desk_of, show_next
from bot.adapters.discord.safe_text import safe
from bot.domain.errors import UserError
from bot.usecases.intake_cards import feed_lines
from bot.usecases.intake_desk import DEFAULT_EVERY, MAX_EVERY, MIN_EVERY

FEEDS_SHOWN = 20


def _access(interaction: discord.Interaction) -> HasEditorAccess:
    return deps_of(interaction)


def _words(text: str | None) -> list[str]:
    return [w.strip() for w in (text or "").split(",") if w.strip()]


@app_commands.describe(
    url="The feed's address (http:// or https://)",
    name="What to call it (default: the address's host)",
    every="Minutes between polls (default 15)",
    include="Comma-separated: keep only items with one of these words",
    exclude="Comma-separated: drop items with any of these words",
)
@editors_only(_access)
async def feeds_add(
    interaction: discord.Interaction,
    url: str,
    name: str | None = None,
    every: app_commands.Range[int, MIN_EVERY, MAX_EVERY] = DEFAULT_EVERY,
    include: str | None = None,
    exclude: str | None = None,
) -> None:
    desk = desk_of(deps_of(interaction))
    feed = await desk.add_feed(url, name, every, _words(include), _words(exclude))
    await interaction.response.send_message(
        f"Following feed {feed.id}: **{safe(feed.name, 100)}** (<{safe(feed.url, 500)}>), "
        f"every {feed.every_minutes} min.",
        ephemeral=True,
    )


@editors_only(_access)
async def feeds_list(interaction: discord.Interaction) -> None:
    followed = await desk_of(deps_of(interaction)).list_feeds()
    if not followed:
        text = "No feeds yet: `/brief-admin feeds add url:`."
        await interaction.response.send_message(text, ephemeral=True)
        return
    embed = discord.Embed(title=f"Feeds ({len(followed)})")
    for feed in followed[:FEEDS_SHOWN]:
        heading, detail = feed_lines(feed)
        embed.add_field(name=safe(heading, 250), value=safe(detail, 1000), inline=False)
    if len(followed) > FEEDS_SHOWN:
        embed.set_footer(text=f"+{len(followed) - FEEDS_SHOWN} more: briefbot feeds list")
    await interaction.response.send_message(embed=embed, ephemeral=True)


async def _feed_state(interaction: discord.Interaction, feed: str, paused: bool) -> None:
    changed = await desk_of(deps_of(interaction)).pause_feed(feed, paused)
    verb = "paused" if paused else "resumed"
    await interaction.response.send_message(
        f"Feed {changed.id} ({safe(changed.name, 100)}) {verb}.", ephemeral=True
    )


@app_commands.describe(feed="Its number or address (see feeds list)")
@editors_only(_access)
async def feeds_remove(interaction: discord.Interaction, feed: str) -> None:
    removed = await desk_of(deps_of(interaction)).remove_feed(feed)
    await interaction.response.send_message(
        f"Removed feed {removed.id}: {safe(removed.name, 100)}.", ephemeral=True
    )


@app_commands.describe(feed="Its number or address (see feeds list)")
@editors_only(_access)
async def feeds_pause(interaction: discord.Interaction, feed: str) -> None:
    await _feed_state(interaction, feed, paused=True)


@app_commands.describe(feed="Its number or address (see feeds list)")
@editors_only(_access)
async def feeds_resume(interaction: discord.Interaction, feed: str) -> None:
    await _feed_state(interaction, feed, paused=False)


async def _feed_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    deps = deps_of(interaction)
    try:
        await ensure_editor(interaction, deps)  # checks do not run for autocomplete
    except UserError:
        return []
    followed = await desk_of(deps).list_feeds()
    typed = current.casefold()
    return [
        app_commands.Choice(name=f"{f.id}. {f.name}"[:100], value=str(f.id))
        for f in followed
        if typed in f"{f.id} {f.name} {f.url}".casefold()
    ][:25]


@app_commands.describe(url="The article's address", outlet="Who published it (default: host)")
@editors_only(_access)
async def suggest(interaction: discord.Interaction, url: str, outlet: str | None = None) -> None:
    # Fetching and reading a page can take longer than Discord's 3 seconds to answer.
    await interaction.response.defer(ephemeral=True, thinking=True)
    suggested = await desk_of(deps_of(interaction)).suggest_url(url, outlet)
    if suggested.candidate_id is None:
        text = "Already seen: the article joined an existing candidate or was read before."
    else:
        text = (
            f"Queued as candidate {suggested.candidate_id}: {safe(suggested.title, 300)}. "
            "`/brief-admin queue` shows it."
        )
    await interaction.followup.send(text, ephemeral=True)


@editors_only(_access)
async def queue(interaction: discord.Interaction) -> None:
    await show_next(interaction, desk_of(deps_of(interaction)))


FEED_COMMANDS: tuple[tuple[str, str, Any], ...] = (
    ("add", "Follow a feed; its relevant items join the review queue", feeds_add),
    ("list", "Every feed and how its polls went", feeds_list),
    ("remove", "Stop following a feed", feeds_remove),
    ("pause", "Stop polling a feed for now", feeds_pause),
    ("resume", "Poll a paused feed again", feeds_resume),
)


def intake_commands() -> list[app_commands.Command[Any, ..., None] | app_commands.Group]:
    """Fresh command objects for one bot (a command belongs to the group it is added to)."""
    feeds = app_commands.Group(name="feeds", description="RSS/Atom feeds read into the queue")
    for name, description, callback in FEED_COMMANDS:
        command: app_commands.Command[Any, ..., None] = app_commands.Command(
            name=name, description=description, callback=callback
        )
        if name in ("remove", "pause", "resume"):
            command.autocomplete("feed")(_feed_choices)
        feeds.add_command(command)
    return [
        feeds,
        app_commands.Command(
            name="suggest", description="Queue one article for review", callback=suggest
        ),
        app_commands.Command(
            name="queue", description="Review the next candidate from intake", callback=queue
        ),
    ]
