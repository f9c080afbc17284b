"""Every failure a person can act on, and the one sentence each of them reads.

Storage, use cases and adapters raise these; :func:`describe` turns any exception into the
sentence shown on Discord, Slack, the CLI and the console alike, so the platforms cannot
drift apart. Adapters only format the sentence (escape it, make it private, put it on one
line). Anything that is not a :class:`UserError` is a bug or an outage: the person gets an
error id and the traceback is logged under it, never the exception's own text (a bare
``ValueError`` may hold SQL, paths or another user's data).

Classes keep the built-in base they had before (``LookupError``, ``ValueError``,
``RuntimeError``) so code that catches those still does.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence

log = logging.getLogger(__name__)

# Long problem lists are cut: a chat message has a size limit and nobody reads 300 lines.
MAX_PROBLEMS = 30
# Room left for the platform's own framing within Discord's 2000 characters.
MAX_SENTENCE = 1900
NOT_ALLOWED = "You are not allowed to use this command."
UNAVAILABLE = "The briefing database is unavailable right now; nothing was changed."


class UserError(Exception):
    """A failure the person can act on; ``str(error)`` is the sentence they read."""


# Nothing there --------------------------------------------------------------------------


class NotFound(UserError, LookupError):
    """The thing asked for does not exist (or is not visible to this person)."""


class EntryNotFound(NotFound):
    """No entry has that slug or id."""


# Conflicts with what is stored ----------------------------------------------------------


class Conflict(UserError):
    """The change clashes with what is stored now; nothing was changed."""


class DuplicateSlug(Conflict, ValueError):
    """Another entry already uses that slug."""


class StaleRevision(Conflict, RuntimeError):
    """The entry changed since the editor opened it."""


# Input the person can correct -----------------------------------------------------------


class InvalidInput(UserError, ValueError):
    """The input cannot be used as given; the sentence says what to type instead."""


class Rejected(InvalidInput):
    """Input with a list of problems, all reported at once; nothing was written."""

    heading = "That was not accepted:"

    def __init__(self, summary: str, problems: Sequence[object]) -> None:
        self.problems: tuple[object, ...] = tuple(problems)
        super().__init__(summary)


class SearchTooSlow(InvalidInput):
    """Even the cheap newest-first search ran out of time: the reader should narrow it."""


class NotConfigured(UserError, ValueError):
    """The bot's own settings or credentials do not work (for the operator starting it)."""


# Who may do what ------------------------------------------------------------------------


class NotAllowed(UserError):
    """The person may not do this here (not an editor, not an admin, outside the newsroom)."""


class OutsideNewsroom(NotAllowed):
    """An editor command from a server or workspace that is not the newsroom."""


# Try again later ------------------------------------------------------------------------


class TryLater(UserError):
    """Nothing is wrong with the request; the bot or a service is busy right now."""


class CoolingDown(TryLater):
    """The person used up their turns of an expensive command for now."""


class SearchBusy(TryLater, ValueError):
    """Searches queued longer than their wait budget: the reader should try again shortly."""


# The database ---------------------------------------------------------------------------


class DatabaseUnavailable(UserError, RuntimeError):
    """The database cannot be used (unreadable, corrupted, locked or full).

    Its text may name the file and SQLite's reason: that is for the operator (the CLI and
    the log). People in chat read :data:`UNAVAILABLE` or a subclass's fixed sentence.
    """

    sentence = UNAVAILABLE


class DatabaseFull(DatabaseUnavailable):
    """A write needed more space than the database may use (disk full or size limit)."""

    sentence = "The briefing database is full; nothing was changed."

    def __init__(self) -> None:
        super().__init__(self.sentence)


class DatabaseBusy(DatabaseUnavailable, TryLater):
    """Another process held the write lock for longer than the busy timeout."""

    sentence = (
        "The briefing database is busy (another change is in progress); "
        "nothing was changed. Try again in a moment."
    )

    def __init__(self) -> None:
        super().__init__(self.sentence)


class DatabaseDamaged(DatabaseUnavailable):
    """SQLite found the file malformed while reading or writing it."""

    sentence = (
        "The briefing database file is damaged; nothing was changed. "
        "Run `briefbot db check` and restore a backup."
    )

    def __init__(self, where: str = "", why: str = "") -> None:
        # The operator (start-up, the CLI) also reads which file and what the check found.
        text = f"{self.sentence} ({why})" if why else self.sentence
        super().__init__(f"{where}: {text}" if where else text)


def describe(error: BaseException) -> str | None:
    """The sentence for a user error, or None when ``error`` is unexpected (a bug).

    Only :class:`UserError` is trusted: its text was written for people. Everything else,
    a bare ``ValueError`` included, returns None and is reported by :func:`unexpected`.
    """
    if isinstance(error, Rejected):
        shown = error.problems[:MAX_PROBLEMS]
        lines = "\n".join(f"• {problem}" for problem in shown)
        extra = len(error.problems) - len(shown)
        more = f"\n…and {extra} more" if extra > 0 else ""
        return f"{error.heading}\n{lines}{more}"
    if isinstance(error, DatabaseUnavailable):
        return error.sentence
    if isinstance(error, NotAllowed):
        return str(error) or NOT_ALLOWED
    if isinstance(error, UserError):
        return str(error)[:MAX_SENTENCE]
    return None


def unexpected(error: BaseException, where: str, logger: logging.Logger = log) -> str:
    """Log ``error`` with its traceback under a new id; the sentence that gives the id.

    ``where`` names the command and the person (ids only) so the log line can be found.
    """
    error_id = secrets.token_hex(4)
    logger.error("error %s in %s", error_id, where, exc_info=error)
    return f"Something went wrong on our side (error id `{error_id}`); it has been logged."


def sentence(error: BaseException, where: str, logger: logging.Logger = log) -> str:
    """What the person reads for ``error``: its sentence, or an error id when unexpected."""
    described = describe(error)
    return described if described is not None else unexpected(error, where, logger)
