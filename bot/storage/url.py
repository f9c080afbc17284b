"""Which backend a ``BRIEFBOT_DATABASE_URL`` names, and how to show it without its password.

``sqlite:///data/briefbot.sqlite3`` (relative) or ``sqlite:////var/lib/briefbot.sqlite3``
(absolute) is the embedded default; ``postgresql://user:password@host:5432/briefbot`` (or
``postgres://…``, with ``?host=/run/postgresql`` for a unix socket) is the shared store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bot.domain.errors import NotConfigured

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
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
    """``url`` with any password replaced by ``***`` (in the authority and the query)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    netloc = parts.netloc
    if "@" in netloc:
        credentials, _, host = netloc.rpartition("@")
        user, has_password, _ = credentials.partition(":")
        netloc = f"{user}:***@{host}" if has_password else f"{user}@{host}"
    query = "&".join(
        "password=***" if item.lower().startswith("password=") else item
        for item in parts.query.split("&")
        if item
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
