"""One newsroom owns the briefing: another workspace's admin cannot touch the shared record.

Every editor command is tried by an admin of a second workspace (its own team id), and by
the newsroom's own admin when no newsroom is configured; editor groups cannot hand out
editing; a rate-limited membership lookup says "try again", never "not an editor".
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.domain.newsroom import NO_NEWSROOM, OUTSIDE_NEWSROOM
from tests.slack.conftest import (
    ADMIN,
    EDITOR,
    EDITOR_GROUP,
    READER,
    Answer,
    SlackWorld,
    running_world,
)
from tests.slack.test_editor import NIS, form, open_add_form
from tests.standins.slack.standin import TEAM_ID, SlackStandIn

OTHER_TEAM = "T0OTHER01"
OUTSIDER = "UOUTSIDE1"  # an admin of the other workspace
SHARED_FILE = "F0FAKEBRF1"
EDITOR_COMMANDS = [
    "add",
    f"edit {NIS}",
    f"delete {NIS}",
    f"restore {NIS}",
    f"history {NIS}",
    f"import {SHARED_FILE}",
    "editors add <!subteam^SFAKES001|@fakes>",
    f"editors remove {EDITOR_GROUP}",
    "feeds add https://news.example/feed.xml",
    "feeds list",
    "feeds pause 1",
    "suggest https://news.example/article",
    "queue",
]
SLACK_BUSY = "Slack is limiting how fast I can check who you are; try again in a minute."


def said(answer: Answer) -> str:
    """The one sentence the person reads (the reply's text; its blocks repeat it)."""
    assert answer.response is not None
    return str(answer.response["text"])


async def snapshot(world: SlackWorld) -> list[tuple[str, int, bool]]:
    entries = await world.app.service.entries(include_deleted=True)
    return sorted((e.slug, e.revision, e.is_deleted) for e in entries)


async def groups(world: SlackWorld, team: str) -> list[str]:
    return await world.bot.deps.servers.editor_role_ids("slack", team)


def plant_fake_brief(world: SlackWorld) -> None:
    fake = b"---\nslug: " + NIS.encode() + b"\ntitle: FAKE - North Korea halts all shipments\n---\n"
    world.standin.files[SHARED_FILE] = ("fake.md", fake)


async def test_another_workspaces_admin_is_refused_every_editor_command(
    world: SlackWorld,
) -> None:
    world.standin.users[OUTSIDER] = {"name": "mallory", "is_admin": True, "is_owner": True}
    plant_fake_brief(world)
    before = await snapshot(world)

    for text in EDITOR_COMMANDS:
        answer = await world.command(OUTSIDER, text, team=OTHER_TEAM)
        assert said(answer) == OUTSIDE_NEWSROOM, (text, answer.text)

    assert world.standin.views == []
    assert world.standin.called("files.info") == []
    assert await snapshot(world) == before
    assert await groups(world, OTHER_TEAM) == []
    assert await groups(world, TEAM_ID) == [EDITOR_GROUP]


async def test_another_workspaces_form_and_delete_button_are_refused(
    socket_world: SlackWorld,
) -> None:
    world = socket_world
    world.standin.users[OUTSIDER] = {"name": "mallory", "is_admin": True}
    view = await open_add_form(world, ADMIN)
    asked = await world.command(ADMIN, f"delete {NIS}")
    assert asked.response is not None
    before = await snapshot(world)

    ack = await world.submit(OUTSIDER, view, form(), team=OTHER_TEAM)
    pressed = await world.press(OUTSIDER, asked.response, "brief_delete", team=OTHER_TEAM)

    assert ack["response_action"] == "errors"
    assert OUTSIDE_NEWSROOM in ack["errors"]["title"]
    assert said(pressed) == OUTSIDE_NEWSROOM
    assert await snapshot(world) == before


async def test_an_editor_group_member_cannot_change_who_edits(socket_world: SlackWorld) -> None:
    world = socket_world
    world.standin.usergroups["SFAKES001"] = [READER]

    added = await world.command(EDITOR, "editors add <!subteam^SFAKES001|@fakes>")
    removed = await world.command(EDITOR, f"editors remove {EDITOR_GROUP}")

    for answer in (added, removed):
        assert said(answer) == "Only workspace admins and owners can change who edits."
    assert await groups(world, TEAM_ID) == [EDITOR_GROUP]
    # Still an editor of the record itself, and may see who the editor groups are.
    assert "History of" in (await world.command(EDITOR, f"history {NIS}")).text
    assert EDITOR_GROUP in (await world.command(EDITOR, "editors")).text


@pytest.fixture
async def no_newsroom_world(
    tmp_path: Path, standin: SlackStandIn, clock: FixedClock
) -> AsyncIterator[SlackWorld]:
    async with running_world("socket", tmp_path, standin, clock, newsroom=None) as world:
        yield world


async def test_without_a_newsroom_nobody_edits_through_slack(
    no_newsroom_world: SlackWorld,
) -> None:
    world = no_newsroom_world
    plant_fake_brief(world)
    before = await snapshot(world)

    for text in EDITOR_COMMANDS:
        answer = await world.command(ADMIN, text)  # the workspace's own admin
        assert said(answer) == NO_NEWSROOM, (text, answer.text)

    assert world.standin.views == []
    assert await snapshot(world) == before
    # Reading and the workspace's own digest settings still work.
    assert "Sources" in (await world.command(READER, f"show {NIS}")).text
    status = await world.command(ADMIN, "digest status")
    assert "No daily digest is set up here yet" in status.text


async def test_group_membership_is_looked_up_once_a_minute(
    socket_world: SlackWorld, clock: FixedClock
) -> None:
    world = socket_world
    for _ in range(3):
        assert "History of" in (await world.command(EDITOR, f"history {NIS}")).text
    assert len(world.standin.called("usergroups.users.list")) == 1

    world.standin.usergroups[EDITOR_GROUP] = []  # removed from the group in Slack
    clock.moment += timedelta(seconds=61)
    refused = await world.command(EDITOR, f"history {NIS}")
    assert "Only editors can do that" in refused.text
    assert len(world.standin.called("usergroups.users.list")) == 2


@pytest.mark.parametrize("method", ["usergroups.users.list", "users.info"])
async def test_a_rate_limited_lookup_says_try_again_not_refused(
    socket_world: SlackWorld, method: str
) -> None:
    world = socket_world
    world.standin.fail_next(method, "ratelimited", status=429)

    busy = await world.command(EDITOR, f"history {NIS}")
    again = await world.command(EDITOR, f"history {NIS}")

    assert said(busy) == SLACK_BUSY
    assert "History of" in again.text
