"""``/brief import``: fetch a file shared in Slack (``files.info``, then a download with the
bot token), never reading more than the size cap, and parse it with the core.

Everything ``files.info`` says is checked before anything is downloaded (see
:mod:`~bot.adapters.slack.file_access`): the token is only ever sent to Slack's file host.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from yarl import URL

from bot.adapters.slack.errors import UserFacingError
from bot.adapters.slack.file_access import (
    check_importable,
    download_url,
    file_origin,
    name_problem,
)
from bot.brief_files import BriefDocument
from bot.brief_uploads import read_upload, upload_limit

DOWNLOAD_TIMEOUT_S = 60.0
CHUNK = 64 * 1024


async def documents_from_shared_file(
    client: AsyncWebClient, file_id: str, *, channel_id: str, user_id: str
) -> tuple[list[BriefDocument], list[str]]:
    """The brief documents in a shared file, and every problem found reading it.

    ``channel_id`` and ``user_id`` say where the command runs and who runs it: only a file
    shared in that channel, or uploaded by that person, is read.
    """
    try:
        info = await client.files_info(file=file_id)
    except SlackApiError as error:
        code = error.response.get("error")
        if code in ("file_not_found", "file_deleted"):
            raise UserFacingError(
                "I can't see that file: share it in a channel I'm in (or with me), then try again."
            ) from None
        raise
    file = info.get("file") or {}
    check_importable(file, channel_id, user_id)
    name = PurePosixPath(str(file.get("name") or file_id)).name
    if problem := name_problem(name):
        return [], [problem]
    size = _size(file.get("size"))
    limit = upload_limit(name)
    if size > limit:
        return [], [f"{name}: file is {size:,} bytes; at most {limit:,} allowed"]
    url = download_url(file, file_origin(client.base_url))
    data = await _download(url, client.token or "", limit)
    if data is None:
        return [], [f"{name}: file is over {limit:,} bytes"]
    return await read_upload(name, data)


def _size(value: object) -> int:
    """The size ``files.info`` claims (0 when it claims none: the download is capped anyway)."""
    try:
        return int(str(value or 0))
    except ValueError:
        return 0


async def _download(url: URL, token: str, limit: int) -> bytes | None:
    """The file's bytes, or None past ``limit`` (stops reading there, whatever it claims).

    Redirects are not followed: one could lead the request (and the token) off Slack's host.
    """
    timeout = aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT_S)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url, headers=headers, allow_redirects=False) as response,
        ):
            if 300 <= response.status < 400:
                raise UserFacingError(
                    "Slack sent the download somewhere else, and I don't follow that; "
                    "share the file again, then try again."
                )
            if response.status != 200 or "text/html" in response.headers.get("Content-Type", ""):
                # Slack answers a bad token with its sign-in page (HTML), not an error status.
                raise UserFacingError(
                    f"Slack did not hand over the file (HTTP {response.status}); "
                    "does the app have the files:read scope?"
                )
            data = bytearray()
            async for chunk in response.content.iter_chunked(CHUNK):
                data += chunk
                if len(data) > limit:
                    return None
            return bytes(data)
    except (aiohttp.ClientError, TimeoutError):
        raise UserFacingError(
            "I could not download that file from Slack; try again in a minute."
        ) from None
