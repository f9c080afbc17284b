"""Reading ``/brief`` text: the subcommand, its words, and Slack's escaped references.

The manifest sets ``should_escape: true``, so Slack sends a picked channel as
``<#C0123|name>``, a user group as ``<!subteam^S0123|@name>`` and links as ``<url>``.
"""

from __future__ import annotations

import re
import shlex
from datetime import date

from bot.adapters.slack.errors import UserFacingError

_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")
_RAW_CHANNEL = re.compile(r"^[CG][A-Z0-9]{6,}$")
_GROUP = re.compile(r"^<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>$")
_RAW_GROUP = re.compile(r"^S[A-Z0-9]{6,}$")
_FILE = re.compile(r"(?:^|/|<)(F[A-Z0-9]{6,})(?:$|[/|>])")


def split_command(text: str) -> tuple[str, str]:
    """``"search nis troops"`` → ``("search", "nis troops")``; empty text means help."""
    head, _, rest = text.strip().partition(" ")
    return head.lower() or "help", rest.strip()


def words(text: str) -> list[str]:
    """Shell-like words (quotes group); unbalanced quotes fall back to plain splitting."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def channel_id(token: str) -> str:
    """The channel id in ``<#C…|name>`` (or a bare ``C…`` id)."""
    token = token.strip()
    if match := _CHANNEL.match(token):
        return match.group(1)
    if _RAW_CHANNEL.match(token):
        return token
    raise UserFacingError(
        f"'{token[:40]}' is not a channel: type # and pick the channel from the list, e.g. "
        "`/brief digest setup #briefing 08:00 Asia/Seoul`."
    )


def group_id(token: str) -> str:
    """The user group id in ``<!subteam^S…|@name>`` (or a bare ``S…`` id)."""
    token = token.strip()
    if match := _GROUP.match(token):
        return match.group(1)
    if _RAW_GROUP.match(token):
        return token
    raise UserFacingError(
        f"'{token[:40]}' is not a user group: type @ and pick the group, e.g. "
        "`/brief editors add @editors`."
    )


def file_id(text: str) -> str:
    """The file id in a Slack file link (``…/files/U…/F…/name``) or a bare ``F…`` id."""
    match = _FILE.search(text.strip())
    if match is None:
        raise UserFacingError(
            "Share the brief file (.md, .yaml or .zip) in this channel first, then run "
            "`/brief import <link to the file>` (More actions → Copy link)."
        )
    return match.group(1)


def parse_date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserFacingError(f"{name}: '{text[:40]}' is not a date; use YYYY-MM-DD") from None


def is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def options(tokens: list[str]) -> tuple[list[str], dict[str, str]]:
    """Split ``key=value`` words from the positional ones."""
    positional: list[str] = []
    named: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if sep and key.isidentifier():
            named[key.lower()] = value
        else:
            positional.append(token)
    return positional, named
