"""Brief files and archives built as bombs: small to upload, huge to parse or to walk."""

from __future__ import annotations

import io
import itertools
import struct
import zipfile

from tests.factories import brief_file

_LETTERS = "abcdefghi"


def alias_bomb() -> bytes:
    """706 bytes of YAML whose ``topics`` is 9**10 strings once its aliases are followed.

    The safe loader keeps the aliases as shared references (a few KB in memory), but anything
    that walks the value, such as ``str()`` in an error message, expands it all.
    """
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, letter in itertools.pairwise(_LETTERS):
        levels.append(f"{letter}: &{letter} [" + ",".join([f"*{previous}"] * 9) + "]")
    text = (
        "---\nslug: alias-bomb\ntitle: Alias bomb\nsummary: Looks small.\n"
        "event_date: 2024-01-01\nstatus: reported\nactors: [russia]\n"
        "sources:\n  - name: A\n    url: https://example.org/a\n"
        "laughs:\n"
        + "".join(f"  {level}\n" for level in levels)
        + "topics: ["
        + ",".join(["*i"] * 9)
        + "]\n---\n"
    )
    data = text.encode()
    return data + b"x" * (705 - len(data)) + b"\n"


def member_bomb(members: int = 2000, size: int = 256 * 1024) -> bytes:
    """About 780 KB of zip holding ``members`` brief files of ``size`` bytes each (500 MiB)."""
    head = b"---\ntitle: Filler\n---\n"
    body = head + b"x" * (size - len(head))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(members):
            archive.writestr(f"filler-{number:04d}.md", body)
    return buffer.getvalue()


def zip_with_broken_members() -> bytes:
    """A zip of one good brief and three members zipfile cannot read: each needs its own line.

    ``bad-crc.md`` has a flipped byte (its checksum no longer matches), ``locked.md`` says it
    is encrypted, ``deflate64.md`` names a compression method Python does not have.
    """
    files = {
        "good.md": brief_file("good-member", "Good"),
        "bad-crc.md": brief_file("bad-crc-member", "Checksum"),
        "locked.md": brief_file("locked-member", "Locked"),
        "deflate64.md": brief_file("deflate64-member", "Method"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    raw = bytearray(buffer.getvalue())
    checksum = raw.index(b"title: Checksum")
    raw[checksum] = ord("T")
    _patch_headers(raw, b"locked.md", flags=0x1)
    _patch_headers(raw, b"deflate64.md", method=9)
    return bytes(raw)


def _patch_headers(
    raw: bytearray, name: bytes, *, flags: int = 0, method: int | None = None
) -> None:
    """Set flag bits and the compression method in a member's local and central headers."""
    headers = ((b"PK\x03\x04", 6, 8, 26, 30), (b"PK\x01\x02", 8, 10, 28, 46))
    for signature, flags_at, method_at, length_at, name_at in headers:
        start = 0
        while (start := raw.find(signature, start)) >= 0:
            (length,) = struct.unpack_from("<H", raw, start + length_at)
            if raw[start + name_at : start + name_at + length] == name:
                (old,) = struct.unpack_from("<H", raw, start + flags_at)
                struct.pack_into("<H", raw, start + flags_at, old | flags)
                if method is not None:
                    struct.pack_into("<H", raw, start + method_at, method)
            start += 4
