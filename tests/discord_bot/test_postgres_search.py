"""`/brief search` on PostgreSQL, as a reader uses it: the real bot, its record in a throwaway
PostgreSQL server (seeded from briefs/), against the Discord stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.discord.client import BriefingBot
from bot.adapters.discord.deps import DiscordDeps
from bot.app import App
from bot.clock import FixedClock
from bot.env_settings import Secret
from bot.settings import Settings
from tests.discord_bot.conftest import BRIEFS, BotWorld, add_server
from tests.standins.discord import DiscordStandIn, running_bot


@pytest.fixture
def settings(tmp_path: Path, postgres_url: str) -> Settings:
    return Settings.from_env(BRIEFBOT_DATABASE_URL=Secret(postgres_url), BRIEFBOT_BRIEFS_DIR=BRIEFS)


@pytest.fixture
async def pg_world(discord: DiscordStandIn, app: App, clock: FixedClock) -> AsyncIterator[BotWorld]:
    """The bot with every store from the app's (PostgreSQL) storage."""
    assert app.storage.kind == "postgresql"
    server = add_server(discord)
    deps = DiscordDeps(
        settings=app.settings,
        service=app.service,
        app_state=app.storage.app_state,
        servers=app.storage.servers(),
        ledger=app.storage.ledger(),
        clock=clock,
        corrections=app.storage.corrections(),
    )
    async with running_bot(BriefingBot(deps, guild_ready_timeout=0.1), discord) as running:
        yield BotWorld(discord, app, running, server)


async def test_search_finds_ranks_highlights_and_pages(pg_world: BotWorld) -> None:
    reader = pg_world.server.reader
    reply = await pg_world.run(reader, "brief search", query="troops")

    embed = reply.embed
    assert embed["title"] == "Search: troops"
    assert len(embed["fields"]) == 5
    assert all("**troops**" in f["value"] for f in embed["fields"])
    assert "description" not in embed or embed["description"] is None  # ranked: no note
    page2 = await pg_world.discord.click(reply, "Next", member=reader)
    assert page2.embed["footer"]["text"] == "Page 2"
    assert {f["name"] for f in page2.embed["fields"]}.isdisjoint(f["name"] for f in embed["fields"])


async def test_phrase_exclusion_or_and_prefix_as_documented(pg_world: BotWorld) -> None:
    async def titles(query: str) -> set[str]:
        # A reader per search: /brief search allows one person 5 searches per 10 s.
        reader = pg_world.server.guild.add_member(f"reader for {query}")
        reply = await pg_world.run(reader, "brief search", query=query)
        return {field["name"] for field in reply.embed.get("fields", [])}

    phrase = await titles('"grave security threat"')
    assert len(phrase) == 1 and "Zinoviev" in next(iter(phrase))
    assert await titles('"threat security grave"') == set()
    assert await titles("zinoviev OR commandos") >= phrase
    assert await titles("commandos -nato") < await titles("commandos")
    assert await titles("comman*") >= await titles("commandos")


@pytest.mark.parametrize(
    "query",
    ["'; DROP TABLE entries; --", "a & b | !c", "troops:*", "\\'", "((", "<->", "x" * 3000],
)
async def test_tsquery_syntax_typed_by_a_reader_is_only_text(
    pg_world: BotWorld, query: str
) -> None:
    reply = await pg_world.run(pg_world.server.reader, "brief search", query=query)

    assert "error id" not in reply.content
    if reply.ephemeral:
        assert reply.content == "Nothing to search for: type at least one word."
    else:
        assert reply.embed["title"].startswith("Search")
    again = await pg_world.run(pg_world.server.reader, "brief search", query="troops")
    assert len(again.embed["fields"]) == 5
