"""Brief files uploaded through a chat platform: one file, or a .zip of them, untrusted.

Platform-free: adapters fetch the bytes (a Discord attachment, a Slack shared file) and
hand them here with the file's name; nothing about the names or sizes is trusted.
"""

from __future__ import annotations

import asyncio
import io
import lzma
import time
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import PurePosixPath

from bot.brief_files import MAX_FILE_BYTES, SUFFIXES, BriefDocument, parse_brief
from bot.safe_yaml import BudgetExhausted, ParseBudget

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
# A zip's headers may say anything: 782 KB of zip held 500 MiB of brief files, so the total
# is capped from the headers first and again while reading (a member never yields more than
# its header says, but the reads are bounded anyway).
MAX_UNCOMPRESSED_BYTES = 16 * 1024 * 1024
# About 125 values a file at the member cap; a typical entry has 30–75 (see bot/safe_yaml.py).
MAX_UPLOAD_NODES = 250_000
# Reading stays well under a second within the caps above; this is the backstop.
PARSE_TIMEOUT_S = 20.0

Parsed = tuple[list[BriefDocument], list[str]]


def upload_limit(name: str) -> int:
    """The most bytes accepted for an upload called ``name``."""
    return MAX_UPLOAD_BYTES if name.lower().endswith(".zip") else MAX_FILE_BYTES


async def read_upload(name: str, data: bytes, timeout_s: float | None = None) -> Parsed:
    """:func:`documents_from_upload` in a worker thread, so that the bot keeps answering.

    A thread rather than a process, by measurement (a worst-case accepted archive, 10 ms lag
    sampler): thread p99 9-43 ms, max 30-87 ms; process pool p99 13-85 ms, max 16-91 ms. The
    parse is short within the caps and mostly C (the YAML parser, zlib), while a process must
    pickle the upload there and every document back, and the unpickling holds the GIL too. A
    thread cannot be killed, so the parse checks its own deadline (``ParseBudget``), counted
    from when it starts.
    """
    timeout_s = PARSE_TIMEOUT_S if timeout_s is None else timeout_s
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_PARSERS, _parse_by_deadline, name, data, timeout_s)


# At most two uploads are parsed at once, the rest wait their turn: a worst-case parse holds
# about 40 MiB and the GIL allows one at a time anyway. Not the default executor: its threads
# also resolve host names for the Discord and Slack clients, which must not wait behind
# editors' uploads from every server.
_PARSERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="brief-upload")


def _parse_by_deadline(name: str, data: bytes, timeout_s: float) -> Parsed:
    return documents_from_upload(name, data, time.monotonic() + timeout_s)


def documents_from_upload(name: str, data: bytes, deadline: float = float("inf")) -> Parsed:
    """Parse an uploaded brief file or .zip; problems are collected, never raised."""
    name = PurePosixPath(name).name
    limit = upload_limit(name)
    if len(data) > limit:
        return [], [f"{name}: file is over {limit:,} bytes"]
    budget = ParseBudget(nodes=MAX_UPLOAD_NODES, deadline=deadline)
    try:
        if name.lower().endswith(".zip"):
            return _from_zip(name, data, budget)
        if not name.lower().endswith(SUFFIXES):
            return [], [f"{name}: not a brief file (.md, .yaml) or a .zip of them"]
        return [parse_brief(name, data, budget)], []
    except (ValueError, BudgetExhausted) as error:
        return [], [f"{name}: {error}"]


def _from_zip(name: str, data: bytes, budget: ParseBudget) -> Parsed:
    documents: list[BriefDocument] = []
    problems: list[str] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        return [], [f"{name}: not a valid .zip file"]
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > MAX_ZIP_MEMBERS:
        return [], [f"{name}: {len(members)} files; at most {MAX_ZIP_MEMBERS} allowed"]
    declared = sum(member.file_size for member in members)
    if declared > MAX_UNCOMPRESSED_BYTES:
        return [], [_too_big(name, declared)]
    total = 0
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
        budget.check_time()
        try:
            content = _read_member(archive, member)
        except ValueError as error:
            problems.append(f"{member.filename}: {error}")
            continue
        total += len(content)
        if total > MAX_UNCOMPRESSED_BYTES:
            return [], [_too_big(name, total)]
        try:
            documents.append(parse_brief(member.filename, content, budget))
        except ValueError as error:
            problems.append(f"{member.filename}: {error}")
    return documents, problems


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """The member's bytes, at most one past the file cap; ValueError says why it can't be read."""
    if member.flag_bits & 0x1:
        raise ValueError("is encrypted; zip the files without a password")
    try:
        with archive.open(member) as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except NotImplementedError:  # zipfile's word for an unknown compression method
        raise ValueError("uses a compression method that is not supported; use Deflate") from None
    except RuntimeError:  # encrypted, though its flag said not
        raise ValueError("is encrypted; zip the files without a password") from None
    except zipfile.BadZipFile as error:
        reason = "its checksum (CRC) does not match" if "CRC" in str(error) else "it is damaged"
        raise ValueError(f"cannot be read from the zip: {reason}") from None
    except (zlib.error, lzma.LZMAError, EOFError, OSError, ValueError):  # e.g. offsets past the end
        raise ValueError("cannot be read from the zip: it is damaged") from None


def _too_big(name: str, size: int) -> str:
    return (
        f"{name}: files add up to {size:,} bytes uncompressed; "
        f"at most {MAX_UNCOMPRESSED_BYTES:,} allowed"
    )
