"""Something unexpected breaks: the user gets an error id, the log gets the details."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from bot.service import BriefingService
from bot.storage.entry_store import EntryStore
from tests.discord_bot.conftest import BotWorld


class BrokenFigures(BriefingService):
    """The real service, except that the figures tracker blows up."""

    async def figures(self, subject: str | None = None) -> Any:
        raise RuntimeError("figures table on fire")


@pytest.fixture
def service_factory() -> Any:
    return lambda app: BrokenFigures(
        EntryStore(app.database), app.service.clock, app.service.vocabulary
    )


async def test_an_unexpected_error_shows_an_error_id_that_is_in_the_log(
    world: BotWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.adapters.discord.errors")

    reply = await world.run(world.server.reader, "brief figures")

    assert reply.ephemeral
    found = re.search(r"error id `([0-9a-f]{8})`", reply.content)
    assert found, reply.content
    logged = [r for r in caplog.records if found.group(1) in r.getMessage()]
    assert len(logged) == 1
    assert "brief figures" in logged[0].getMessage()
    assert logged[0].exc_info and "figures table on fire" in str(logged[0].exc_info[1])
    assert "on fire" not in reply.content, "internals stay in the log"

    still = await world.run(world.server.reader, "brief latest", count=1)
    assert len(still.embeds) == 1, "the bot keeps answering"
