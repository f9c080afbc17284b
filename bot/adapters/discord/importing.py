"""Reading ``/brief-admin import`` attachments: one brief file, or a .zip of them."""

from __future__ import annotations

from pathlib import PurePosixPath

import discord

from bot.brief_files import BriefDocument
from bot.brief_uploads import read_upload, upload_limit


async def documents_from_attachment(
    attachment: discord.Attachment,
) -> tuple[list[BriefDocument], list[str]]:
    """Parse the attachment, refusing an oversized one from its declared size before reading."""
    name = PurePosixPath(attachment.filename).name
    limit = upload_limit(name)
    if attachment.size > limit:
        return [], [f"{name}: file is {attachment.size:,} bytes; at most {limit:,} allowed"]
    return await read_upload(name, await attachment.read())
