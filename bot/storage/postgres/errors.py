"""PostgreSQL failures in plain words: the same domain errors SQLite's are translated to.

A full disk is "full", a lock or statement timeout, a deadlock or a serialisation failure is
"busy, try again", a damaged page is "damaged", and a server that cannot be reached (down,
restarting, out of connections) is "unavailable". The server's own text never reaches chat:
:func:`bot.domain.errors.describe` shows each error's fixed sentence.
"""

from __future__ import annotations

import asyncpg

from bot.domain.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseFull,
    DatabaseUnavailable,
)

# SQLSTATE codes: https://www.postgresql.org/docs/15/errcodes-appendix.html
_FULL = {"53100"}  # disk_full
# lock timeout, deadlock, serialisation failure, statement timeout, the server out of memory
_BUSY = {"55P03", "40P01", "40001", "57014", "53200"}
_DAMAGED = {"XX001", "XX002"}  # data_corrupted, index_corrupted
_DOWN = {"53300", "57P01", "57P02", "57P03"}  # too many connections, shutdown, cannot connect


def translate(error: BaseException, where: str = "") -> DatabaseUnavailable | None:
    """The plain-words error for a failure people can hit, or None for other errors (bugs).

    ``where`` (the URL without its password) goes into the operator's text only.
    """
    if isinstance(error, DatabaseUnavailable):
        return error
    if isinstance(error, asyncpg.PostgresError):
        code = str(getattr(error, "sqlstate", "") or "")
        if code in _FULL:
            return DatabaseFull()
        if code in _BUSY:
            return DatabaseBusy()
        if code in _DAMAGED:
            return DatabaseDamaged(where)
        if code in _DOWN or code.startswith("08") or code.startswith("28") or code == "3D000":
            return unavailable(where, error)
        return None
    if isinstance(error, (OSError, TimeoutError, asyncpg.ConnectionDoesNotExistError)):
        return unavailable(where, error)
    return None


def unavailable(where: str, error: BaseException) -> DatabaseUnavailable:
    """The operator's line for a server that cannot be used: which one and why (no password)."""
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    return DatabaseUnavailable(f"{where or 'PostgreSQL'}: cannot use the database: {reason}")
