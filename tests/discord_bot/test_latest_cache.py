"""``/brief latest`` is served from a cache, yet a reader sees every change at once.

The cache is dropped whenever the database's data version moves: an editor's change through
Discord (this process, another connection) and a ``briefbot import`` from another process.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.discord_bot.conftest import BotWorld
from tests.discord_bot.helpers import ADD_OPTIONS, TITLE, form, modal_values
from tests.factories import brief_text
from tests.reliability.support import briefbot

YOON = "Yoon reportedly tells NATO's Rutte that South Korea will not stand idle over North"
YOON_SLUG = "yoon-rutte-call-south-korea-will-not-stand-idle"


async def first_titles(world: BotWorld, count: int = 5, **options: str) -> list[str]:
    reply = await world.run(world.server.reader, "brief latest", count=count, **options)
    return [card["title"] for card in reply.embeds]


async def test_an_entry_added_and_an_edit_made_through_discord_show_at_once(
    world: BotWorld,
) -> None:
    s = world.server
    before = await first_titles(world)
    assert before[0].startswith(YOON)
    assert await first_titles(world) == before  # asked again: the same page

    opened = await world.run(s.admin, "brief-admin add", **ADD_OPTIONS)
    await world.discord.submit_modal(opened, form(), member=s.admin)

    after_add = await first_titles(world)
    assert after_add[0] == "North Korean engineers reported in Kursk"
    assert after_add[1:] == before[:4]

    opened = await world.run(s.admin, "brief-admin edit", entry=YOON_SLUG)
    changed = modal_values(opened) | {TITLE: "Yoon and Rutte discuss North Korean troops"}
    await world.discord.submit_modal(opened, changed, member=s.admin)

    assert (await first_titles(world))[1] == "Yoon and Rutte discuss North Korean troops"


async def test_an_import_by_another_process_shows_at_once(world: BotWorld, tmp_path: Path) -> None:
    before = await first_titles(world, count=2)
    assert before[0].startswith(YOON)
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "drones.md").write_text(brief_text("nk-drone-crews", "North Korean drone crews"))

    # The operator's CLI on the same database: another process, its own connections.
    done = await asyncio.to_thread(
        briefbot, "import", str(folder), db=world.app.settings.db_path, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr

    assert await first_titles(world, count=2) == ["North Korean drone crews", before[0]]


async def test_counts_and_filters_each_get_their_own_page(world: BotWorld) -> None:
    five = await first_titles(world)
    munitions = await first_titles(world, count=25, topic="munitions")
    two = await first_titles(world, count=2)

    assert two == five[:2]
    assert munitions and all("Rutte" not in title for title in munitions)
    assert await first_titles(world, count=25, topic="munitions") == munitions
    assert await first_titles(world) == five
