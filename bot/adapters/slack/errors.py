"""One error handler for every Slack command, button and form.

The sentence comes from :func:`bot.domain.errors.describe`, the same one every platform
shows; here it is only escaped for ``mrkdwn``. Anything unexpected (a bare ``ValueError``
included) is logged with context and an error id the user sees, never its text.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError

from bot.adapters.slack.blocks import Reply, text_reply
from bot.adapters.slack.escape import escape
from bot.domain import errors

log = logging.getLogger(__name__)

# The domain's user error, under the name the Slack modules raise it by.
UserFacingError = errors.UserError


def describe(error: BaseException) -> str | None:
    """The escaped mrkdwn message for a user error, or None when the error is unexpected."""
    sentence = errors.describe(error)
    return escape(sentence) if sentence is not None else None


def report(error: BaseException, what: str, team_id: str | None, user_id: str | None) -> str:
    """The message for ``error``; unexpected errors are logged with an id and context."""
    message = describe(error)
    if message is not None:
        return message
    detail = ""
    if isinstance(error, SlackApiError):
        detail = f" (Slack said {error.response.get('error')})"
    return errors.unexpected(error, f"{what} (team {team_id}, user {user_id}){detail}", log)


async def answering(
    work: Callable[[], Awaitable[Reply | None]], what: str, team_id: str, user_id: str
) -> Reply | None:
    """Run one listener's work; a failure becomes the reply that explains it.

    Every command and button listener goes through here, so they cannot drift apart.
    """
    try:
        return await work()
    except Exception as error:
        return text_reply(report(error, what, team_id, user_id))
