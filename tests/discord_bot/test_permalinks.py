"""With BRIEFBOT_PUBLIC_URL set, every entry card's title links to its web archive page."""

from __future__ import annotations

import pytest

from tests.discord_bot.conftest import BotWorld

PUBLIC_URL = "https://briefing.example.org"
NIS = "nis-confirms-north-korean-special-forces-in-russia"


@pytest.fixture(autouse=True)
def public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_PUBLIC_URL", PUBLIC_URL + "/")


async def test_latest_and_show_cards_link_to_their_permalinks(world: BotWorld) -> None:
    latest = await world.run(world.server.reader, "brief latest")
    assert all(card["url"].startswith(f"{PUBLIC_URL}/entries/") for card in latest.embeds)

    shown = await world.run(world.server.reader, "brief show", entry=NIS)
    assert shown.embeds[0]["url"] == f"{PUBLIC_URL}/entries/{NIS}"
