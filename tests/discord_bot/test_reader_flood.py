"""Readers cannot stall the bot: at 20,000 entries and 13,000 figure subjects, figures and
search answer from bounded work, and the expensive commands have per-user cooldowns.

The archive is the benchmark's synthetic one (``bench.synth``), written through the app's own
write connection; the figure-subject index is filled by the migration's triggers as it would
be by imports.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bench import synth
from bot.app import App, open_app
from bot.clock import FixedClock
from bot.domain.search_query import TOO_SLOW_NOTE
from bot.service import OVERVIEW_SUBJECTS, BriefingService
from bot.settings import Settings
from bot.storage.entry_store import EntryStore
from bot.storage.search import SEARCH_BUDGET_S
from tests.discord_bot.conftest import BotWorld, ServiceFactory

ENTRIES = 20_000
ROWS = synth.batch(0, ENTRIES, ENTRIES)
SUBJECTS = {figure[5]: figure[2] for figure in ROWS[2]}  # counts text → subject


@pytest.fixture
async def app(settings: Settings, clock: FixedClock) -> AsyncIterator[App]:
    async with open_app(settings, clock) as opened:
        entries, tags, figures, _ = ROWS
        async with opened.database.write() as connection:
            await connection.executemany(synth.ENTRY_SQL, entries)
            await connection.executemany(synth.TAG_SQL, tags)
            await connection.executemany(synth.FIGURE_SQL, figures)
        yield opened


@pytest.fixture
def budgets() -> tuple[float, float]:
    """(ranking, newest-first fallback) search budgets of the bot's store."""
    return SEARCH_BUDGET_S, SEARCH_BUDGET_S


@pytest.fixture
def service_factory(budgets: tuple[float, float]) -> ServiceFactory:
    def make(app: App) -> BriefingService:
        ranking, fallback = budgets
        store = EntryStore(app.database, search_budget_s=ranking, fallback_budget_s=fallback)
        return BriefingService(store, app.service.clock, app.service.vocabulary)

    return make


async def test_subject_autocomplete_offers_at_most_25_matches_from_a_limited_query(
    world: BotWorld,
) -> None:
    s = world.server
    statements: list[str] = []
    await world.app.database.read.set_trace_callback(statements.append)

    choices = await world.discord.autocomplete(
        s.guild, s.reader, "brief figures", focused="subject", value="kor", channel=s.channel
    )

    await world.app.database.read.set_trace_callback(None)  # type: ignore[arg-type]
    assert 0 < len(choices) <= 25
    for choice in choices:
        assert "kor" in choice["name"].lower() or "kor" in choice["value"]
        assert SUBJECTS[choice["name"]] == choice["value"]
    # One bounded read of the subject index; no claim is loaded to answer a keystroke.
    reads = [sql for sql in statements if "figure" in sql]
    assert len(reads) == 1 and "FROM figure_subjects" in reads[0] and "LIMIT" in reads[0]

    nothing = await world.discord.autocomplete(
        s.guild, s.reader, "brief figures", focused="subject", value="%_%", channel=s.channel
    )
    assert nothing == []  # typed wildcards are taken literally


async def test_figures_without_a_subject_shows_the_newest_few_and_says_so(
    world: BotWorld,
) -> None:
    s = world.server

    reply = await world.run(s.reader, "brief figures")

    total = len(set(SUBJECTS.values()))
    assert reply.content == (
        f"Showing the {OVERVIEW_SUBJECTS} most recently reported of {total:,} subjects; "
        "pick a subject to see any other."
    )
    names = [field["name"].removeprefix("⚖️ ") for field in reply.embed["fields"]]
    assert 0 < len(names) <= OVERVIEW_SUBJECTS
    # The newest entry that carries figures is among them.
    newest = max(ROWS[2], key=lambda f: f[0])
    assert newest[5] in names

    # Picking one of them from autocomplete shows all of its claims, without the notice.
    choices = await world.discord.autocomplete(
        s.guild, s.reader, "brief figures", focused="subject", value=newest[5][:20]
    )
    picked = await world.run(s.reader, "brief figures", subject=choices[0]["value"])
    # No selection notice: the message text is the attached chart's text alternative.
    assert picked.content.startswith("Chart of ") and "Showing the" not in picked.content
    claims = [f for f in ROWS[2] if f[2] == choices[0]["value"]]
    field = picked.embed["fields"][0]
    assert field["name"].removeprefix("⚖️ ") == choices[0]["name"]
    assert len(field["value"].splitlines()) <= len(claims)


async def test_quick_repeats_of_figures_and_search_get_the_cooldown_message(
    world: BotWorld,
) -> None:
    s = world.server
    for _ in range(5):
        assert not (await world.run(s.reader, "brief figures")).ephemeral
    sixth = await world.run(s.reader, "brief figures")
    assert sixth.ephemeral and sixth.content.startswith("Slow down: try again in"), sixth
    assert not sixth.embeds

    searcher = s.guild.add_member("searcher")
    for _ in range(5):
        assert not (await world.run(searcher, "brief search", query="kor*")).ephemeral
    refused = await world.run(searcher, "brief search", query="the")
    assert refused.ephemeral and refused.content.startswith("Slow down: try again in")
    # Each reader has their own allowance.
    assert not (await world.run(s.admin, "brief figures")).ephemeral


@pytest.mark.parametrize("budgets", [(0.0, 0.0)])
async def test_a_search_that_runs_out_of_time_twice_says_so_and_frees_search(
    world: BotWorld,
) -> None:
    s = world.server
    # The newest 5,000 entries are deleted, so the newest-first fallback has thousands of
    # matches to pass over before its first result: past a zero budget it stops.
    async with world.app.database.write() as connection:
        stamp = datetime(2026, 11, 1, tzinfo=UTC).isoformat()
        await connection.execute(
            "UPDATE entries SET deleted_at = ? WHERE id > ?", (stamp, ENTRIES - 5000)
        )

    reply = await world.run(s.reader, "brief search", query="the")

    assert reply.ephemeral and reply.content == TOO_SLOW_NOTE, reply
    assert not reply.embeds
    # The search connection was given back, with no budget left on it: a store with the
    # default budgets (the same connection and lock) ranks a narrow search at once.
    narrow = await world.app.service.search("ballistic missiles")
    assert narrow.ranked and narrow.hits
