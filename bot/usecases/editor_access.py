"""Who may edit the record through chat, on every platform.

The rule: only in the platform's newsroom (``bot.domain.newsroom``); there, a server's
admins (Discord: Manage Server; Slack: workspace admins and owners) and members of its
editor roles or user groups. Only admins change the editor roles: an editor cannot make
more editors. The platform says who is an admin and who is in a group; the rule is here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.domain.errors import NotAllowed
from bot.domain.newsroom import Newsroom


class EditorGroups(Protocol):
    """Where each server's editor roles/groups are kept."""

    async def editor_role_ids(self, platform: str, server_id: str) -> list[str]: ...

    async def add_editor_role(
        self, platform: str, server_id: str, role_id: str
    ) -> tuple[str, ...]: ...

    async def remove_editor_role(
        self, platform: str, server_id: str, role_id: str
    ) -> tuple[str, ...]: ...


class EditorAccess:
    """The editor rule of one platform (``platform`` scopes the stored groups)."""

    def __init__(self, platform: str, groups: EditorGroups, newsroom: Newsroom) -> None:
        self.platform = platform
        self._groups = groups
        self.newsroom = newsroom

    def refusal(self, server_id: str | None) -> str | None:
        """Why editing from ``server_id`` (None: a direct message) is refused, or None."""
        return self.newsroom.refusal(server_id)

    async def is_editor(
        self, server_id: str, *, admin: bool, member_of: Callable[[str], Awaitable[bool]]
    ) -> bool:
        """Admins edit; others if they are in one of the server's editor groups (asked one
        group at a time: each question may cost the platform a request)."""
        if admin:
            return True
        for group in await self._groups.editor_role_ids(self.platform, server_id):
            if await member_of(group):
                return True
        return False

    async def editor_groups(self, server_id: str) -> list[str]:
        return await self._groups.editor_role_ids(self.platform, server_id)

    async def grant(self, server_id: str, group: str, *, admin: bool) -> None:
        """Members of ``group`` may edit from now on; only an admin may say so."""
        if not admin:
            raise NotAllowed("only admins change the editor roles")
        await self._groups.add_editor_role(self.platform, server_id, group)

    async def revoke(self, server_id: str, group: str, *, admin: bool) -> None:
        if not admin:
            raise NotAllowed("only admins change the editor roles")
        await self._groups.remove_editor_role(self.platform, server_id, group)
