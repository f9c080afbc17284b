"""Who may do what in Slack.

Editing happens only in the newsroom workspace (``BRIEFBOT_NEWSROOM_SLACK_TEAM_ID``): there,
editors are workspace admins and owners, or members of an editor user group. Only admins
and owners change the editor groups or a workspace's digest.

The workspace's editor user groups are stored like Discord's editor roles (the server
store's ``editor_role_ids`` under platform ``slack``), so one table serves both platforms.
Group membership is cached for a minute: every editor command would otherwise call
``usergroups.users.list`` once per group, and Slack rate-limits that method.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.domain import errors
from bot.domain.newsroom import Newsroom
from bot.usecases.editor_access import EditorAccess, EditorGroups

log = logging.getLogger(__name__)

PLATFORM = "slack"
NOT_AN_EDITOR = (
    "Only editors can do that: workspace admins and owners, or members of an editor user "
    "group (set with `/brief editors add @group`)."
)
ONLY_ADMINS = "Only workspace admins and owners can manage this workspace's digest."
SLACK_BUSY = "Slack is limiting how fast I can check who you are; try again in a minute."
GROUP_CACHE = timedelta(seconds=60)


class Refused(errors.NotAllowed):
    """The person may not do this here (or it cannot be checked right now)."""


class NotAnEditor(Refused):
    """A reader tried an editor command, or a non-admin an admin one."""


class OutsideNewsroom(Refused, errors.OutsideNewsroom):
    """An editor command from a workspace that is not the newsroom."""


class SlackBusy(Refused):
    """Slack rate-limited the lookup: "try again", never "not an editor"."""


def _rate_limited(error: SlackApiError) -> bool:
    status = getattr(error.response, "status_code", None)
    return status == 429 or error.response.get("error") == "ratelimited"


async def is_admin(client: AsyncWebClient, user_id: str) -> bool:
    """True for workspace admins and owners (``users.info``, scope ``users:read``)."""
    try:
        response = await client.users_info(user=user_id)
    except SlackApiError as error:
        if _rate_limited(error):
            raise SlackBusy(SLACK_BUSY) from None
        raise
    user = response.get("user") or {}
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


class Access:
    """The checks, with each user group's members remembered for :data:`GROUP_CACHE`."""

    def __init__(self, groups: EditorGroups, newsroom: Newsroom, clock: Clock) -> None:
        self.editors = EditorAccess(PLATFORM, groups, newsroom)
        self.clock = clock
        self._members: dict[str, tuple[datetime, frozenset[str]]] = {}

    async def require_editor(self, client: AsyncWebClient, team_id: str, user_id: str) -> None:
        """Raise unless the user may edit: in the newsroom, as an admin or group member."""
        if (refusal := self.editors.refusal(team_id or None)) is not None:
            raise OutsideNewsroom(refusal)
        if not await self.can_edit(client, team_id, user_id):
            raise NotAnEditor(NOT_AN_EDITOR)

    @staticmethod
    async def require_admin(client: AsyncWebClient, user_id: str, refusal: str) -> None:
        """Raise unless the user is a workspace admin or owner (editor groups do not count)."""
        if not await is_admin(client, user_id):
            raise NotAnEditor(refusal)

    async def can_edit(self, client: AsyncWebClient, team_id: str, user_id: str) -> bool:
        async def member_of(group_id: str) -> bool:
            return user_id in await self._members_of(client, group_id)

        admin = await is_admin(client, user_id)
        return await self.editors.is_editor(team_id, admin=admin, member_of=member_of)

    async def _members_of(self, client: AsyncWebClient, group_id: str) -> frozenset[str]:
        now = self.clock.now()
        cached = self._members.get(group_id)
        if cached is not None and now - cached[0] < GROUP_CACHE:
            return cached[1]
        try:
            response = await client.usergroups_users_list(usergroup=group_id)
        except SlackApiError as error:
            if _rate_limited(error):
                raise SlackBusy(SLACK_BUSY) from None
            # A deleted or disabled group grants nothing; the other groups still count.
            log.info("user group %s unusable: %s", group_id, error.response.get("error"))
            members: frozenset[str] = frozenset()
        else:
            members = frozenset(str(u) for u in response.get("users") or [])
        self._members[group_id] = (now, members)
        return members
