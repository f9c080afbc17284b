"""Brief files uploaded through a chat platform: one file, or a .zip of them, untrusted.

Platform-free: adapters fetch the bytes (a Discord attachment, a Slack shared file) and
hand them here with the file's name; nothing about the names or sizes is trusted.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from bot.brief_files import MAX_FILE_BYTES, SUFFIXES, BriefDocument, parse_brief

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000


def upload_limit(name: str) -> int:
    """The most bytes accepted for an upload called ``name``."""
    return MAX_UPLOAD_BYTES if name.lower().endswith(".zip") else MAX_FILE_BYTES


def documents_from_upload(name: str, data: bytes) -> tuple[list[BriefDocument], list[str]]:
    """Parse an uploaded brief file or .zip; problems are collected, never raised."""
    name = PurePosixPath(name).name
    limit = upload_limit(name)
    if len(data) > limit:
        return [], [f"{name}: file is over {limit:,} bytes"]
    if name.lower().endswith(".zip"):
        return _from_zip(name, data)
    if not name.lower().endswith(SUFFIXES):
        return [], [f"{name}: not a brief file (.md, .yaml) or a .zip of them"]
    try:
        return [parse_brief(name, data)], []
    except ValueError as error:
        return [], [f"{name}: {error}"]


def _from_zip(name: str, data: bytes) -> tuple[list[BriefDocument], list[str]]:
    documents: list[BriefDocument] = []
    problems: list[str] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return [], [f"{name}: not a valid .zip file"]
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > MAX_ZIP_MEMBERS:
        return [], [f"{name}: {len(members)} files; at most {MAX_ZIP_MEMBERS} allowed"]
    for member in members:
        path = PurePosixPath(member.filename)
        if ".." in path.parts or path.is_absolute():
            problems.append(f"{member.filename}: unsafe file name")
            continue
        if not path.name.lower().endswith(SUFFIXES) or path.name.lower() == "readme.md":
            continue
        if member.file_size > MAX_FILE_BYTES:
            problems.append(f"{member.filename}: file is over {MAX_FILE_BYTES:,} bytes")
            continue
        try:
            documents.append(parse_brief(member.filename, archive.read(member)))
        except ValueError as error:
            problems.append(f"{member.filename}: {error}")
    return documents, problems
