"""One error handler for every Slack command, button and form.

Mistakes people can fix (bad input, not an editor, unknown entry) are answered plainly and
privately; anything unexpected is logged with context and an error id the user sees.
"""

from __future__ import annotations

import logging
import secrets

from slack_sdk.errors import SlackApiError

from bot.adapters.slack.escape import escape
from bot.domain.validation import EntryValidationError
from bot.service import ImportRejected
from bot.storage.database import DatabaseError
from bot.storage.entries import DuplicateSlug, EntryNotFound, StaleRevision

log = logging.getLogger(__name__)

USER_ERRORS = (EntryNotFound, DuplicateSlug, StaleRevision, ValueError)
MAX_PROBLEMS = 30


class UserFacingError(Exception):
    """An error whose message (plain text) is meant for the person who ran the command."""


def describe(error: BaseException) -> str | None:
    """The escaped mrkdwn message for a user error, or None when the error is unexpected."""
    if isinstance(error, EntryValidationError):
        lines = "\n".join(f"• {escape(str(problem))}" for problem in error.problems)
        return f"That entry was not saved:\n{lines}"
    if isinstance(error, ImportRejected):
        lines = "\n".join(f"• {escape(p)}" for p in error.problems[:MAX_PROBLEMS])
        extra = len(error.problems) - MAX_PROBLEMS
        more = f"\n…and {extra} more" if extra > 0 else ""
        return f"Nothing was imported:\n{lines}{more}"
    if isinstance(error, UserFacingError):
        return escape(str(error))
    if isinstance(error, DatabaseError):
        return escape(str(error)) or "The briefing database is unavailable right now."
    if isinstance(error, USER_ERRORS):
        return escape(str(error)[:1900])
    return None


def report(error: BaseException, what: str, team_id: str | None, user_id: str | None) -> str:
    """The message for ``error``; unexpected errors are logged with an id and context."""
    message = describe(error)
    if message is not None:
        return message
    error_id = secrets.token_hex(4)
    detail = ""
    if isinstance(error, SlackApiError):
        detail = f" (Slack said {error.response.get('error')})"
    log.error(
        "error %s in %s (team %s, user %s)%s",
        error_id,
        what,
        team_id,
        user_id,
        detail,
        exc_info=error,
    )
    return f"Something went wrong on our side (error id `{error_id}`); it has been logged."
