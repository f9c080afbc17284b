"""The editor rule, once for every platform: newsroom only; admins, or an editor group;
only admins change the groups."""

from __future__ import annotations

import pytest

from bot.domain.newsroom import NO_NEWSROOM, OUTSIDE_NEWSROOM, Newsroom
from bot.usecases.editor_access import EditorAccess, NotAllowed


class Groups:
    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], tuple[str, ...]] = {}

    async def editor_role_ids(self, platform: str, server_id: str) -> list[str]:
        return list(self.kept.get((platform, server_id), ()))

    async def add_editor_role(self, platform: str, server_id: str, role_id: str) -> tuple[str, ...]:
        roles = self.kept.get((platform, server_id), ())
        self.kept[(platform, server_id)] = roles if role_id in roles else (*roles, role_id)
        return self.kept[(platform, server_id)]

    async def remove_editor_role(
        self, platform: str, server_id: str, role_id: str
    ) -> tuple[str, ...]:
        roles = self.kept.get((platform, server_id), ())
        self.kept[(platform, server_id)] = tuple(r for r in roles if r != role_id)
        return self.kept[(platform, server_id)]


def test_only_the_newsroom_edits() -> None:
    access = EditorAccess("matrix", Groups(), Newsroom("room"))
    assert access.refusal("room") is None
    assert access.refusal("elsewhere") == OUTSIDE_NEWSROOM
    assert access.refusal(None) == OUTSIDE_NEWSROOM  # a direct message
    assert EditorAccess("matrix", Groups(), Newsroom(None)).refusal("room") == NO_NEWSROOM


async def test_admins_and_editor_group_members_edit_and_groups_are_asked_lazily() -> None:
    groups = Groups()
    access = EditorAccess("matrix", groups, Newsroom("room"))
    asked: list[str] = []

    async def member_of(group: str) -> bool:
        asked.append(group)
        return group == "desk"

    assert await access.is_editor("room", admin=True, member_of=member_of)
    assert asked == []  # an admin costs the platform no group look-up
    assert not await access.is_editor("room", admin=False, member_of=member_of)

    await access.grant("room", "desk", admin=True)
    await access.grant("room", "night-desk", admin=True)
    assert await access.is_editor("room", admin=False, member_of=member_of)
    assert asked == ["desk"]  # stops at the first group that says yes
    assert await access.editor_groups("room") == ["desk", "night-desk"]


async def test_an_editor_cannot_make_more_editors() -> None:
    groups = Groups()
    access = EditorAccess("matrix", groups, Newsroom("room"))
    with pytest.raises(NotAllowed):
        await access.grant("room", "friends", admin=False)
    with pytest.raises(NotAllowed):
        await access.revoke("room", "desk", admin=False)
    assert groups.kept == {}
