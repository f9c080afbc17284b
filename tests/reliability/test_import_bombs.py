"""Brief files and archives as bombs (issue 11, section 3), through ``briefbot import`` and
through ``/brief-admin import``: each is refused quickly, with one clear line per problem,
nothing changes, and no traceback or "something went wrong" reaches the person."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

import bot.brief_uploads
from bot.brief_uploads import documents_from_upload
from tests.discord_bot.conftest import BotWorld
from tests.discord_bot.helpers import zipped
from tests.factories import brief_file
from tests.reliability.bombs import alias_bomb, member_bomb, zip_with_broken_members
from tests.reliability.support import BRIEFBOT, BRIEFS, clean_env
from tests.reliability.test_import_files import editor

ALIAS_LINE = "alias-bomb.md: YAML aliases are not allowed"


# Runs its arguments and writes their exit code, peak RSS (KiB) and CPU seconds to argv[1].
# A small middleman: a child forked straight from pytest would count pytest's own memory in
# its peak (Linux keeps the pre-exec high-water mark in ru_maxrss).
MEASURE = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
cpu = usage.ru_utime + usage.ru_stime
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss} {cpu}")
"""


def run_import(folder: Path, name: str) -> tuple[int, str, float, float]:
    """``briefbot import name`` in ``folder``: exit code, output, peak MiB and CPU seconds.

    CPU time, not wall time: the machine may be busy with other tests.
    """
    out, measured = folder / "output", folder / "measured"
    with out.open("wb") as output:
        subprocess.run(
            [sys.executable, "-c", MEASURE, str(measured), str(BRIEFBOT), "import", name],
            env=clean_env(BRIEFBOT_DB=str(folder / "bot.sqlite3"), BRIEFBOT_BRIEFS_DIR=str(BRIEFS)),
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            timeout=60,
            check=False,
        )
    code, peak_kib, cpu_s = measured.read_text().split()
    return int(code), out.read_text(), int(peak_kib) / 1024, float(cpu_s)


def test_cli_alias_bomb_fails_fast_in_little_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "alias-bomb.md"
    bomb.write_bytes(alias_bomb())
    assert bomb.stat().st_size == 706
    # The first run may compile the bot's modules (a fresh checkout has no .pyc files): it
    # must fail the same way, but only the second one is measured.
    for _ in range(2):
        code, output, peak_mib, cpu_s = run_import(tmp_path, bomb.name)

        assert code == 1
        assert output.splitlines() == [ALIAS_LINE, "briefbot: 1 problem(s); nothing was imported"]
    assert peak_mib < 100, f"peak {peak_mib:.0f} MiB"
    assert cpu_s < 1.0, f"{cpu_s:.2f} s of CPU"


def values_file(count: int) -> bytes:
    """A brief file with ``count`` extra YAML values (an unknown field: validation's problem)."""
    return brief_file("many-values", "Many values").replace(
        b"---\nBody", b"filler: [" + b",".join([b"1"] * count) + b"]\n---\nBody"
    )


CASES: dict[str, tuple[str, bytes, list[str]]] = {
    "alias-bomb": ("alias-bomb.md", alias_bomb(), [ALIAS_LINE]),
    "anchor-only": (
        "anchor.yaml",
        b"title: &t An anchor\nsummary: x\n",
        ["anchor.yaml: YAML aliases are not allowed"],
    ),
    "alias-bomb-in-zip": (
        "bombs.zip",
        zipped({"alias-bomb.md": alias_bomb(), "fine.md": brief_file("fine-entry", "Fine")}),
        [ALIAS_LINE],
    ),
    "2000-members-of-256-KiB": (
        "members.zip",
        member_bomb(),
        ["members.zip: files add up to 524,288,000 bytes uncompressed; at most 16,777,216 allowed"],
    ),
    "unreadable-members": (
        "broken.zip",
        zip_with_broken_members(),
        [
            "bad-crc.md: cannot be read from the zip: its checksum (CRC) does not match",
            "locked.md: is encrypted; zip the files without a password",
            "deflate64.md: uses a compression method that is not supported; use Deflate",
        ],
    ),
    "too-many-values": (
        "values.md",
        values_file(10_000),
        ["values.md: has too many YAML values (at most 10,000)"],
    ),
    "too-many-values-in-all": (
        "values.zip",
        zipped({f"v{n:02d}.md": values_file(9_000) for n in range(30)}),
        ["values.zip: holds too many YAML values in all; split it into smaller ones"],
    ),
    "deep-nesting": (
        "deep.yaml",
        b"title: " + b"[" * 500 + b"]" * 500 + b"\n",
        ["deep.yaml: YAML is nested over 32 levels deep"],
    ),
    "mistagged-value": (
        "tagged.md",
        brief_file("tagged", "Tagged").replace(b"status: reported", b"status: !!bool reported"),
        ["tagged.md: YAML tags (such as !!int) are not allowed"],
    ),
    "number-as-field-name": (
        "numbers.md",
        brief_file("numbers", "Numbers").replace(b"importance: 2", b"importance: 2\n2024: x"),
        ["numbers.md: 2024: unknown field"],
    ),
    "containers-where-names-go": (
        "containers.md",
        brief_file("containers", "Containers")
        .replace(b"topics: [diplomacy]", b"topics: [[diplomacy, aid]]")
        .replace(b"status: reported", b"status: {a: [1, 2]}")
        .replace(b"  - name: Example News", b"  - _cells: [1]\n    name: Example News"),
        [
            "containers.md: topics: each item must be a name, not a list",
            "containers.md: status: must be one of the statuses, not a dict",
        ],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_bomb_uploads_are_refused_with_a_line_each(world: BotWorld, case: str) -> None:
    filename, data, expected = CASES[case]
    before = await world.snapshot()

    reply = await world.run(
        editor(world, f"editor-{case}"),
        "brief-admin import",
        file=world.discord.upload(filename, data),
        timeout=30,
    )

    assert reply.ephemeral, reply
    assert reply.content.startswith("Nothing was imported:"), reply.content
    lines = reply.content.splitlines()
    for line in expected:
        assert f"• {line}" in lines, reply.content
    assert "error id" not in reply.content
    assert "went wrong" not in reply.content
    assert await world.snapshot() == before


async def test_an_upload_that_takes_too_long_is_abandoned(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The deadline is checked by the parse itself (a thread cannot be killed): with no time
    # at all, the first check gives up.
    monkeypatch.setattr(bot.brief_uploads, "PARSE_TIMEOUT_S", 0.0)
    before = await world.snapshot()
    upload = zipped({"a.md": brief_file("slow-entry", "Slow")})

    reply = await world.run(
        editor(world, "editor-slow"),
        "brief-admin import",
        file=world.discord.upload("slow.zip", upload),
    )

    assert "• slow.zip: took too long to read; upload fewer or smaller files" in reply.content
    assert await world.snapshot() == before


# Every sentence a zip (or one of its members) may be refused with; anything else would be
# internal error text leaking out, such as zipfile's "negative seek value -3305111552".
ZIP_SENTENCES = (
    "not a valid .zip file",
    "cannot be read from the zip: its checksum (CRC) does not match",
    "cannot be read from the zip: it is damaged",
    "is encrypted; zip the files without a password",
    "uses a compression method that is not supported; use Deflate",
    "unsafe file name",
    "file is over 262,144 bytes",
    "files add up to ",
    "file is not UTF-8 text",
    "malformed YAML",
    "no front matter",
    "YAML aliases are not allowed",
)


def test_mangled_zips_never_raise_or_leak_internal_text() -> None:
    """3,000 zips with 1-4 random bytes changed (seeded): each is read or refused in words."""
    rng = random.Random(11)
    bases = [
        zipped({"a.md": brief_file("aaa-entry", "A"), "b/c.md": brief_file("bbb-entry", "B")}),
        zip_with_broken_members(),
    ]
    for _ in range(3000):
        raw = bytearray(rng.choice(bases))
        for _ in range(rng.randint(1, 4)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)

        _, problems = documents_from_upload("mangled.zip", bytes(raw))

        for problem in problems:
            reason = problem.split(": ", 1)[1]
            assert reason.startswith(ZIP_SENTENCES), problem
