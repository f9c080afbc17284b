"""The newsroom rule, pure: editor actions only from the one configured server."""

from __future__ import annotations

import pytest

from bot.domain.newsroom import NO_NEWSROOM, OUTSIDE_NEWSROOM, Newsroom
from bot.settings import Settings


@pytest.mark.parametrize(
    ("newsroom", "server", "refusal"),
    [
        ("123", "123", None),
        ("123", "456", OUTSIDE_NEWSROOM),
        ("123", None, OUTSIDE_NEWSROOM),  # a DM
        (None, "123", NO_NEWSROOM),
        (None, None, NO_NEWSROOM),
    ],
)
def test_only_the_newsroom_edits(newsroom: str | None, server: str | None, refusal: str) -> None:
    assert Newsroom(newsroom).refusal(server) == refusal


def test_settings_name_one_newsroom_per_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_NEWSROOM_DISCORD_GUILD_ID", "1234567890")
    monkeypatch.setenv("BRIEFBOT_NEWSROOM_SLACK_TEAM_ID", "")  # "VAR=" in .env: not set
    settings = Settings.from_env(env_file=None)
    assert settings.discord_newsroom == Newsroom("1234567890")
    assert settings.slack_newsroom == Newsroom(None)
    assert not settings.slack_newsroom.configured
