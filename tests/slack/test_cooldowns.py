"""Per-user cooldowns on Slack: the same rates and the same sentence as on Discord."""

from __future__ import annotations

import json
import re

from bot.domain.cooldowns import FIGURES, IMPORT, SEARCH
from tests.slack.conftest import ADMIN, BRIEF_CHANNEL, EDITOR, READER, SlackWorld
from tests.slack.test_import_attacks import brief

SLOW_DOWN = re.compile(r"^Slow down: try again in \d+ s\.$")


def slowed(text: str) -> bool:
    """Whether the whole answer is the cooldown sentence (text and its one block)."""
    return all(SLOW_DOWN.match(line) for line in text.splitlines())


async def test_one_search_too_many_is_refused_and_another_user_is_unaffected(
    socket_world: SlackWorld,
) -> None:
    for _ in range(SEARCH.uses):
        answer = await socket_world.command(READER, "search Kursk")
        assert answer.response is not None and answer.response["response_type"] == "in_channel"
        assert not slowed(answer.text)

    refused = await socket_world.command(READER, "search Kursk")

    assert refused.response is not None and slowed(refused.text), refused.text
    assert refused.response["response_type"] == "ephemeral"  # only the searcher sees it
    other = await socket_world.command(EDITOR, "search Kursk")
    assert not slowed(other.text) and other.response is not None
    assert other.response["response_type"] == "in_channel"
    latest = await socket_world.command(READER, "latest 1")
    assert not slowed(latest.text), "only the expensive commands are limited"


async def test_search_pages_count_as_searches(socket_world: SlackWorld) -> None:
    first = await socket_world.command(READER, "search korea")
    assert first.response is not None
    page = first.response
    for _ in range(SEARCH.uses - 1):  # back and forth: every page runs the search again
        action = "brief_page_next" if "brief_page_next" in json.dumps(page) else "brief_page_prev"
        turned = await socket_world.press(READER, page, action)
        assert turned.response is not None and not slowed(turned.text), turned.text
        page = turned.response

    refused = await socket_world.press(READER, first.response, "brief_page_next")

    assert slowed(refused.text), refused.text


async def test_one_import_too_many_is_refused_and_changes_nothing(
    socket_world: SlackWorld,
) -> None:
    standin = socket_world.standin
    for n in range(IMPORT.uses + 1):
        data = await brief(socket_world, f"cooldown-{n}")
        standin.share_file(f"F0COOL000{n}", "brief.md", data, user=ADMIN, channel=BRIEF_CHANNEL)
    for n in range(IMPORT.uses):
        done = await socket_world.command(ADMIN, f"import F0COOL000{n}")
        assert "Imported 1 new" in done.text, done.text
    before = len(await socket_world.app.service.entries())
    downloads, lookups = len(standin.downloads), len(standin.called("files.info"))

    refused = await socket_world.command(ADMIN, f"import F0COOL000{IMPORT.uses}")

    assert slowed(refused.text), refused.text
    assert len(await socket_world.app.service.entries()) == before
    assert len(standin.downloads) == downloads
    assert len(standin.called("files.info")) == lookups  # refused before asking Slack
    # A reader is told they are not an editor, not to slow down (the editor check comes first).
    for _ in range(IMPORT.uses + 1):
        answer = await socket_world.command(READER, f"import F0COOL000{IMPORT.uses}")
        assert "Only editors" in answer.text and not slowed(answer.text)


async def test_one_figures_too_many_is_refused_as_on_discord(socket_world: SlackWorld) -> None:
    for _ in range(FIGURES.uses):
        assert not slowed((await socket_world.command(READER, "figures")).text)

    refused = await socket_world.command(READER, "figures")

    assert slowed(refused.text), refused.text
    assert not slowed((await socket_world.command(EDITOR, "figures")).text)
