"""First contact: help over both transports."""

from __future__ import annotations

from tests.slack.conftest import READER, SlackWorld


async def test_help(world: SlackWorld) -> None:
    answer = await world.command(READER, "help")
    assert answer.ack == {}
    assert answer.response is not None
    assert answer.response["response_type"] == "ephemeral"
    assert "/brief latest" in answer.text
