"""An operator configures the bot with variables (environment or ``.env``): what fits is
used, what does not stops the command with one line naming the variable, never its value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.discord.settings import DiscordSettings
from bot.env_settings import Secret, SettingsError
from bot.settings import Settings

from .conftest import Cli


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("BRIEFBOT_WEB_PORT", "70000", "expected a whole number <= 65535"),
        ("BRIEFBOT_BUSY_TIMEOUT_MS", "soon", "expected a whole number"),
        ("BRIEFBOT_WEB", "maybe", "expected true or false (1/0, yes/no, on/off)"),
        ("BRIEFBOT_TOPICS", "troops, missiles", "expected a JSON list"),
        ("BRIEFBOT_NEWSROOM_DISCORD_GUILD_ID", "-5", "expected a whole number >= 1"),
    ],
)
def test_a_value_that_does_not_fit_is_one_line_naming_the_variable(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(variable, value)
    code, out, err = cli("latest")
    assert (code, out) == (2, "")
    assert err == f"briefbot: setting {variable}: {problem}\n"


def test_the_env_file_is_read_and_the_environment_wins(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    Path(".env").write_text("BRIEFBOT_WEB_PORT=8181\nBRIEFBOT_WEB=on\nBRIEFBOT_PUBLIC_URL=\n")
    monkeypatch.setenv("BRIEFBOT_WEB_PORT", "9191")
    settings = Settings.from_env()
    assert (settings.web_port, settings.web_enabled) == (9191, True)
    assert settings.public_url is None  # set to nothing: the default
    code, out, _ = cli("latest")
    assert code == 0 and out.strip()


def test_a_secret_is_neither_shown_nor_echoed_in_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", " token-abc.def ")
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "token-abc.def")
    with pytest.raises(SettingsError) as refused:
        DiscordSettings.from_env(env_file=None)
    assert str(refused.value) == "setting DISCORD_SHARD_COUNT: expected a whole number"
    monkeypatch.delenv("DISCORD_SHARD_COUNT")
    settings = DiscordSettings.from_env(env_file=None)
    assert "token-abc" not in repr(settings)
    assert settings.token == Secret("token-abc.def")
    assert settings.token_text == "token-abc.def"


def test_an_override_for_a_variable_that_does_not_exist_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="Settings has no variable BRIEFBOT_DBB"):
        Settings.from_env(env_file=None, BRIEFBOT_DBB="typo.sqlite3")


def test_a_database_url_keeps_its_password_out_of_the_settings_repr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = "postgresql://bot:hunter2@db.internal/briefs"
    settings = Settings.from_env(env_file=None, BRIEFBOT_DATABASE_URL=url)
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings)
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == url
