"""The terminal attack: values the CLI echoes never reach the terminal as control bytes.

Each story runs the real ``briefbot`` entry point in a subprocess and reads its raw bytes.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bot.app import open_app
from bot.domain.entries import Source
from bot.domain.validation import validate_entry
from bot.domain.vocabulary import Vocabulary
from bot.settings import Settings
from bot.storage.entry_store import EntryStore
from tests.factories import raw_entry

from .conftest import NIS_SLUG, REPO

EVIL_URL = "https://ok.example/x)[Official_NIS_statement](https://evil.example"
# Control bytes other than newline, and the UTF-8 of C1 controls and hidden characters.
RAW_CONTROL = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8f\xaa-\xae]")


def briefbot(variables: dict[str, str], cwd: Path, *argv: str) -> tuple[int, bytes, bytes]:
    """Run the installed ``briefbot`` script (``python -m bot`` where it is not installed)."""
    script = Path(sys.executable).parent / "briefbot"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    done = subprocess.run(
        [*command, *argv],
        env={**os.environ, **variables},
        cwd=cwd,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert RAW_CONTROL.search(done.stdout) is None, done.stdout
    assert RAW_CONTROL.search(done.stderr) is None, done.stderr
    return done.returncode, done.stdout, done.stderr


def test_a_hostile_brief_file_is_refused_with_every_value_escaped(
    env: dict[str, str],
    tmp_path: Path,
) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    bad = folder / "evil\x1b[31m.md"
    good = (REPO / "briefs" / f"{NIS_SLUG}.md").read_text()
    hostile = (
        good.replace(NIS_SLUG, "evil-entry")
        .replace("event_date: 2024-10-18", 'event_date: "\\e]0;PWNED\\a"')
        .replace("url: https://www.kyivpost.com/", f"url: '{EVIL_URL}'", 1)
    )
    title = next(line for line in hostile.splitlines() if line.startswith("title: "))
    hostile = hostile.replace(title, 'title: "NIS \\u202Eslaes\\u202C statement"')
    bad.write_text(hostile)

    code, out, err = briefbot(env, tmp_path, "import", str(folder))

    shown = str(bad).replace("\x1b", "\\x1b")
    assert code == 1 and out == b""
    assert err.decode().splitlines() == [
        f"{shown}: title: contains an invisible or direction-changing character (U+202E)",
        f"{shown}: event_date: '\\x1b]0;PWNED\\x07' is not a valid date (YYYY-MM-DD)",
        f"{shown}: sources[1].url: contains '[', which is not allowed in a web address "
        "(write it as %5B)",
        "briefbot: 3 problem(s); nothing was imported",
    ]


async def _store_unvalidated_entry(variables: dict[str, str], **content: Any) -> str:
    """An entry written before these rules existed: control and hidden characters in it."""
    settings = Settings.from_env(
        BRIEFBOT_DB=Path(variables["BRIEFBOT_DB"]), BRIEFBOT_BRIEFS_DIR=REPO / "briefs"
    )
    clean = validate_entry(raw_entry(), Vocabulary(), date(2024, 10, 22))
    legacy = dataclasses.replace(
        clean,
        **{
            "title": "Old \x1b]0;PWNED\x07 entry \u202eepyt",
            "summary": "Summary \x1b[2J\x1b[H cleared\r\nnext line\x9b31m",
            "sources": (Source("Paper\x07", EVIL_URL + "\x1b[0m"),),
            **content,
        },
    )
    async with open_app(settings) as app:
        entry = await EntryStore(app.database).add(legacy, "old-import", app.service.clock.now())
    return entry.slug


async def test_show_latest_and_digest_escape_stored_control_characters(
    env: dict[str, str],
    tmp_path: Path,
) -> None:
    slug = await _store_unvalidated_entry(env)

    shown = briefbot(env, tmp_path, "show", slug)
    latest = briefbot(env, tmp_path, "latest")
    digest = briefbot(env, tmp_path, "digest", "--date", "2024-10-20")  # its event date

    code, out, _ = shown
    assert code == 0
    text = out.decode()
    assert "Old \\x1b]0;PWNED\\x07 entry \\u202eepyt" in text
    assert "Summary \\x1b[2J\\x1b[H cleared\nnext line\\x9b31m" in text
    assert "Paper\\x07: " + EVIL_URL + "\\x1b[0m" in text
    assert latest[0] == 0 and b"\\x1b]0;PWNED\\x07" in latest[1]
    assert digest[0] == 0


def test_a_typed_argument_is_echoed_escaped(
    env: dict[str, str],
    tmp_path: Path,
) -> None:
    code, out, err = briefbot(env, tmp_path, "show", "\x1b]0;PWNED\x07")
    assert code == 1 and out == b""
    assert err.decode().splitlines() == ["briefbot: no entry '\\x1b]0;PWNED\\x07'"]

    code, _, err = briefbot(env, tmp_path, "digest", "--tz", "\x1b[2JMars/Base")
    assert code == 1 and b"\\x1b[2JMars/Base" in err

    code, _, err = briefbot(env, tmp_path, "latest", "-n", "\x07")
    assert code == 2 and b"'\\x07'" in err  # argparse's own message


async def test_the_markdown_digest_keeps_links_from_entry_text_and_addresses_dead(
    env: dict[str, str],
    tmp_path: Path,
) -> None:
    await _store_unvalidated_entry(
        env,
        title="NIS <b>statement</b>",
        summary="Read the [Official\nNIS statement](https://evil.example/login) now.",
        sources=(Source("NIS](https://evil.example/2) [x", EVIL_URL),),
    )

    code, out, err = briefbot(
        env, tmp_path, "digest", "--format", "markdown", "--since", "2000-01-01T00:00:00+00:00"
    )

    assert code == 0, err
    text = out.decode()
    assert "**NIS \\<b\\>statement\\</b\\>**" in text
    assert "Read the \\[Official\nNIS statement\\](https://evil.example/login) now." in text
    assert (
        "- [NIS\\](https://evil.example/2) \\[x]"
        "(https://ok.example/x%29%5BOfficial_NIS_statement%5D%28https://evil.example)"
    ) in text.splitlines()
