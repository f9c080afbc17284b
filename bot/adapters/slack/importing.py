"""``/brief import``: fetch a file shared in Slack (``files.info``, then a download with the
bot token), never reading more than the size cap, and parse it with the core.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.errors import UserFacingError
from bot.brief_files import BriefDocument
from bot.brief_uploads import read_upload, upload_limit

DOWNLOAD_TIMEOUT_S = 60.0
CHUNK = 64 * 1024


async def documents_from_shared_file(
    client: AsyncWebClient, file_id: str
) -> tuple[list[BriefDocument], list[str]]:
    """The brief documents in a shared file, and every problem found reading it."""
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
    name = PurePosixPath(str(file.get("name") or file_id)).name
    size = int(file.get("size") or 0)
    limit = upload_limit(name)
    if size > limit:
        return [], [f"{name}: file is {size:,} bytes; at most {limit:,} allowed"]
    url = file.get("url_private_download") or file.get("url_private")
    if not url:
        return [], [f"{name}: Slack gave no download link (is it an external file?)"]
    data = await _download(str(url), client.token or "", limit)
    if data is None:
        return [], [f"{name}: file is over {limit:,} bytes"]
    return await read_upload(name, data)


async def _download(url: str, token: str, limit: int) -> bytes | None:
    """The file's bytes, or None past ``limit`` (stops reading there, whatever it claims)."""
    timeout = aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT_S)
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(url, headers=headers, allow_redirects=False) as response,
    ):
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
