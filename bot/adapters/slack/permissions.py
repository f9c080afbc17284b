"""Who may edit in a Slack workspace: admins and owners, or members of an editor user group.

The workspace's editor user groups are stored like Discord's editor roles (the server
store's ``editor_role_ids`` under platform ``slack``), so one table serves both platforms.
"""

from __future__ import annotations

import logging
from typing import Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.errors import UserFacingError

log = logging.getLogger(__name__)

PLATFORM = "slack"
NOT_AN_EDITOR = (
    "Only editors can do that: workspace admins and owners, or members of an editor user "
    "group (set with `/brief editors add @group`)."
)


class EditorGroups(Protocol):
    async def editor_role_ids(self, platform: str, server_id: str) -> list[str]: ...


class NotAnEditor(UserFacingError):
    """A reader tried an editor command."""


async def is_admin(client: AsyncWebClient, user_id: str) -> bool:
    """True for workspace admins and owners (``users.info``, scope ``users:read``)."""
    response = await client.users_info(user=user_id)
    user = response.get("user") or {}
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


async def in_any_group(client: AsyncWebClient, user_id: str, group_ids: list[str]) -> bool:
    """True if the user belongs to one of the user groups (scope ``usergroups:read``)."""
    for group_id in group_ids:
        try:
            response = await client.usergroups_users_list(usergroup=group_id)
        except SlackApiError as error:
            # A deleted or disabled group grants nothing; the other groups still count.
            log.info("user group %s unusable: %s", group_id, error.response.get("error"))
            continue
        if user_id in (response.get("users") or []):
            return True
    return False


async def can_edit(
    client: AsyncWebClient, groups: EditorGroups, team_id: str, user_id: str
) -> bool:
    if await is_admin(client, user_id):
        return True
    group_ids = await groups.editor_role_ids(PLATFORM, team_id)
    return bool(group_ids) and await in_any_group(client, user_id, group_ids)


async def require_editor(
    client: AsyncWebClient, groups: EditorGroups, team_id: str, user_id: str
) -> None:
    """Raise :class:`NotAnEditor` unless the user may edit in this workspace."""
    if not await can_edit(client, groups, team_id, user_id):
        raise NotAnEditor(NOT_AN_EDITOR)
