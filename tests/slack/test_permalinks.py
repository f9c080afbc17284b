"""With BRIEFBOT_PUBLIC_URL set, Slack entry cards link to their web archive pages."""

from __future__ import annotations

import pytest

from tests.slack.conftest import READER, SlackWorld

PUBLIC_URL = "https://briefing.example.org"
NIS = "nis-confirms-north-korean-special-forces-in-russia"


@pytest.fixture(autouse=True)
def public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_PUBLIC_URL", PUBLIC_URL)


async def test_latest_and_show_link_to_the_permalink(socket_world: SlackWorld) -> None:
    latest = await socket_world.command(READER, "latest 2")
    assert latest.text.count(f"<{PUBLIC_URL}/entries/") == 2, latest.text

    shown = await socket_world.command(READER, f"show {NIS}")
    assert f"<{PUBLIC_URL}/entries/{NIS}|on the web>" in shown.text
