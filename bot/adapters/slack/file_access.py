"""Which shared files ``/brief import`` may read, and where the bot token may be sent.

``files.info`` describes a file, but an external or remote file's ``url_private`` is any URL
its creator chose: fetching it with ``Authorization: Bearer xoxb-…`` would hand the bot
token to that host and read internal addresses back into the import's messages. So a file
is refused unless it is hosted by Slack, shared where the command runs (or uploaded by the
person running it) and named like a brief file; only then is its URL checked against Slack's
file host, and the token goes nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from yarl import URL

from bot.adapters.slack.errors import UserFacingError
from bot.brief_files import SUFFIXES

# Slack's API host → the host that serves its files' url_private (commercial, GovSlack).
SLACK_FILE_HOSTS = {"slack.com": "files.slack.com", "slack-gov.com": "files.slack-gov.com"}
FILE_PATH = "/files-pri/"  # every url_private(_download) of a file hosted by Slack
IMPORTABLE = (*SUFFIXES, ".zip")

EXTERNAL = (
    "That file is stored outside Slack (an external or remote file), so I won't fetch it; "
    "upload the file itself to Slack, then try again."
)
NOT_SHARED_HERE = (
    "You can import only a file shared in this channel or one you uploaded yourself; "
    "share it here first, then try again."
)
NOT_SLACK_HOSTED = (
    "Slack gave a download link that is not on Slack's file server, so I did not fetch it."
)


@dataclass(frozen=True, slots=True)
class Origin:
    """Scheme, host and port: the unit a token may be sent to."""

    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: URL) -> Origin | None:
        if not url.host or url.port is None:
            return None
        return cls(url.scheme.lower(), url.host.lower(), url.port)


def parse(text: str) -> URL | None:
    """``text`` as aiohttp will read it (yarl), so what is checked is what is fetched."""
    try:
        return URL(text)
    except ValueError:
        return None


def file_origin(api_base_url: str) -> Origin:
    """Where the files of the Slack at ``api_base_url`` are served.

    Slack's own API (``https://slack.com/api/``) serves files from ``https://files.slack.com``
    only; any other configured base URL (``SLACK_API_BASE_URL``: our tests' stand-in) serves
    them itself, on exactly its own scheme, host and port.
    """
    url = parse(api_base_url)
    host = (url.host or "").lower() if url is not None else ""
    if host in SLACK_FILE_HOSTS:
        return Origin("https", SLACK_FILE_HOSTS[host], 443)
    origin = Origin.of(url) if url is not None else None
    if origin is None:
        raise RuntimeError(f"SLACK_API_BASE_URL is not a URL: {api_base_url!r}")
    return origin


def check_importable(file: Mapping[str, Any], channel_id: str, user_id: str) -> None:
    """Refuse external files, and files neither shared in this channel nor the user's own."""
    if file.get("is_external") or file.get("mode") == "external" or file.get("external_url"):
        raise UserFacingError(EXTERNAL)
    own = bool(user_id) and file.get("user") == user_id
    if not own and not (channel_id and channel_id in shared_in(file)):
        raise UserFacingError(NOT_SHARED_HERE)


def shared_in(file: Mapping[str, Any]) -> set[str]:
    """Every conversation ``files.info`` says the file was shared in."""
    places: set[str] = set()
    for key in ("channels", "groups", "ims"):
        places.update(str(c) for c in file.get(key) or [])
    shares = file.get("shares") or {}
    for kind in ("public", "private"):
        places.update(str(c) for c in shares.get(kind) or {})
    return places


def name_problem(name: str) -> str | None:
    """Why a file called ``name`` cannot be a brief upload (checked before downloading)."""
    if PurePosixPath(name).name.lower().endswith(IMPORTABLE):
        return None
    return f"{name}: not a brief file (.md, .yaml) or a .zip of them"


def download_url(file: Mapping[str, Any], origin: Origin) -> URL:
    """The file's private download URL, if (and only if) it is on Slack's file host."""
    url = parse(str(file.get("url_private_download") or file.get("url_private") or ""))
    if (
        url is None
        or Origin.of(url) != origin
        or url.user is not None
        or url.password is not None
        or not url.path.startswith(FILE_PATH)
    ):
        raise UserFacingError(NOT_SLACK_HOSTED)
    return url
