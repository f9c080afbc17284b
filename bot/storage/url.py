"""Which backend a ``BRIEFBOT_DATABASE_URL`` names, and how to show it without its password.

``sqlite:///data/briefbot.sqlite3`` (relative) or ``sqlite:////var/lib/briefbot.sqlite3``
(absolute) is the embedded default; ``postgresql://user:password@host:5432/briefbot`` (or
``postgres://…``, with ``?host=/run/postgresql`` for a unix socket) is the shared store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.domain.errors import NotConfigured

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
_QUERY_PASSWORD = re.compile(r"((?:^|&)password=)[^&]*", re.IGNORECASE)
_SCHEMES = {"sqlite": SQLITE, "postgresql": POSTGRESQL, "postgres": POSTGRESQL}


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    """A parsed database URL; ``str()`` and ``repr()`` never show the password."""

    kind: str
    secret: str  # the URL as given, password included: only ever handed to the driver
    path: Path | None = None  # SQLite only

    def __str__(self) -> str:
        return redact(self.secret)

    def __repr__(self) -> str:
        return f"DatabaseUrl({redact(self.secret)!r})"


def sqlite_url(path: Path) -> DatabaseUrl:
    return DatabaseUrl(SQLITE, f"sqlite:///{path}", path)


def parse_database_url(text: str) -> DatabaseUrl:
    """The backend named by ``text``; :class:`NotConfigured` with one sentence if unusable."""
    text = text.strip()
    scheme, sep, rest = text.partition("://")
    kind = _SCHEMES.get(scheme.lower()) if sep else None
    if kind is None:
        raise NotConfigured(
            f"database URL {redact(text)!r}: use sqlite:///path/to/file.sqlite3 or "
            "postgresql://user:password@host/database"
        )
    if kind == SQLITE:
        # sqlite:///relative/path, sqlite:////absolute/path (as SQLAlchemy reads them)
        if not rest.startswith("/") or rest == "/":
            raise NotConfigured("database URL: sqlite:/// must be followed by a file path")
        return DatabaseUrl(SQLITE, text, Path(rest[1:]))
    return DatabaseUrl(POSTGRESQL, text)


def redact(url: str) -> str:
    """``url`` with any password replaced by ``***`` (in the authority and the query).

    The credentials end at the last ``@`` before the query, so a password holding ``/`` or
    ``@`` that was not percent-encoded is still hidden whole.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    head, question, query = rest.partition("?")
    if "@" in head:
        credentials, _, host_and_path = head.rpartition("@")
        user, has_password, _ = credentials.partition(":")
        head = f"{user}:***@{host_and_path}" if has_password else f"{user}@{host_and_path}"
    hidden = _QUERY_PASSWORD.sub(lambda match: match.group(1) + "***", query)
    return f"{scheme}://{head}{question}{hidden}"


def password_of(url: str) -> str | None:
    """The password in ``url``'s credentials (as :func:`redact` finds them), if any."""
    head = url.partition("://")[2].partition("?")[0]
    if "@" not in head:
        return None
    _, has_password, password = head.rpartition("@")[0].partition(":")
    return password if has_password and password else None
