"""Bodies real Discord would refuse are refused (400 50035) and recorded as violations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import discord as discordpy
import pytest
from discord.http import Route

from tests.standins.discord import DiscordStandIn
from tests.standins.discord.fixtures import violation_report
from tests.standins.discord.validation import Violation, validate_body

from .conftest import World


async def _refused(discord: DiscordStandIn, world: World, **kwargs: Any) -> list[Violation]:
    channel = world.bot.get_channel(world.channel.id)
    assert isinstance(channel, discordpy.TextChannel)
    with pytest.raises(discordpy.HTTPException) as info:
        await channel.send(**kwargs)
    assert info.value.status == 400 and info.value.code == 50035
    assert discord.messages(world.channel) == []
    return discord.take_violations()  # provoked on purpose: keep the teardown check green


async def test_embed_title_257(discord: DiscordStandIn, world: World) -> None:
    [v] = await _refused(discord, world, embed=discordpy.Embed(title="x" * 257))
    assert v.kind == "schema" and "embeds.0.title" in v.problems[0]


async def test_eleven_embeds(discord: DiscordStandIn, world: World) -> None:
    # discord.py itself refuses 11 embeds, so send the raw body through its HTTP client.
    with pytest.raises(discordpy.HTTPException) as info:
        await world.bot.http.request(
            Route("POST", "/channels/{channel_id}/messages", channel_id=world.channel.id),
            json={"embeds": [{"title": "t"}] * 11},
        )
    assert info.value.status == 400
    [v] = discord.take_violations()
    assert "embeds" in v.problems[0]


async def test_javascript_link_button(discord: DiscordStandIn, world: World) -> None:
    view = discordpy.ui.View()
    view.add_item(discordpy.ui.Button(label="evil", url="javascript:alert(1)"))
    [v] = await _refused(discord, world, content="hi", view=view)
    assert v.kind == "limit" and "javascript:" in v.problems[0]


async def test_content_over_2000(discord: DiscordStandIn, world: World) -> None:
    [v] = await _refused(discord, world, content="x" * 2001)
    assert v.kind == "limit" and "2000" in v.problems[0]


async def test_embeds_over_6000_total(discord: DiscordStandIn, world: World) -> None:
    embeds = [discordpy.Embed(title="t", description="d" * 4000) for _ in range(2)]
    [v] = await _refused(discord, world, embeds=embeds)
    assert "6000" in v.problems[0]


async def test_interaction_response_is_validated(discord: DiscordStandIn, world: World) -> None:
    problems = validate_body(
        "POST",
        "/interactions/{interaction_id}/{interaction_token}/callback",
        {"type": 8, "data": {"choices": [{"name": str(i), "value": str(i)} for i in range(26)]}},
    ).problems
    assert problems  # 26 autocomplete choices
    modal = {
        "type": 9,
        "data": {
            "custom_id": "m",
            "title": "t",
            "components": [
                {
                    "type": 1,
                    "components": [{"type": 4, "custom_id": f"i{i}", "style": 1, "label": "L"}],
                }
                for i in range(6)
            ],
        },
    }
    assert validate_body(
        "POST", "/interactions/{interaction_id}/{interaction_token}/callback", modal
    ).problems


async def test_unknown_route_is_a_violation(discord: DiscordStandIn, world: World) -> None:
    with pytest.raises(discordpy.NotFound):
        await world.bot.http.get_guild(world.guild.id)
    [v] = discord.take_violations()
    assert v.kind == "unknown_route"


async def test_teardown_check_reports_violations() -> None:
    async with DiscordStandIn() as standin:
        assert violation_report(standin) is None
        standin.record(Violation("schema", "POST", "/x", None, ["content: too long"], {"a": 1}))
        report = violation_report(standin)
        assert report is not None and "content: too long" in report
        with pytest.raises(AssertionError):
            standin.check_violations()


def test_fixture_fails_the_test(tmp_path: Path) -> None:
    # Run a sloppy test in a separate pytest process with the plugin registered as the project
    # does; its teardown must turn the recorded violation into an error with readable details.
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["tests.standins.discord.fixtures"]\n')
    (tmp_path / "test_sloppy.py").write_text(
        "from tests.standins.discord import Violation\n\n"
        "async def test_sloppy(discord):\n"
        "    problem = ['embeds.0.title: too long']\n"
        "    discord.record(Violation('schema', 'POST', '/x', None, problem))\n"
    )
    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "asyncio_mode=auto",
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(repo)},
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 1, result.stdout
    assert "1 passed" in result.stdout and "1 error" in result.stdout
    assert "embeds.0.title: too long" in result.stdout
