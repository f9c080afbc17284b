"""A worst-case *accepted* archive through ``/brief-admin import``: 2,000 full brief files,
16 MiB uncompressed, just under the YAML value cap. Parsing and validating it takes seconds of
CPU; meanwhile another member's ``/brief latest`` must still be answered, in each phase."""

from __future__ import annotations

import asyncio
import io
import statistics
import threading
import time
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

import bot.brief_uploads
import bot.service
from bot.brief_uploads import MAX_UNCOMPRESSED_BYTES, MAX_UPLOAD_NODES, MAX_ZIP_MEMBERS
from tests.discord_bot.conftest import BotWorld
from tests.reliability.test_import_files import editor


def full_brief(number: int) -> str:
    """A valid entry near every text cap: 10 sources, 2 figures, 119 YAML values, 8.3 KB."""
    sources = "".join(
        f"  - name: Source {k} {'n' * 150}\n"
        f"    url: https://example.org/{number}/{k}/{'u' * 100}\n"
        f"    published: 2026-11-{10 + k:02d}\n"
        for k in range(10)
    )
    figures = "".join(
        f"  - display: about {k + 1},000\n    counts: things counted {k} {'c' * 120}\n"
        f"    claimed_by: claimant {k}\n    status: reported\n    subject: subject-{k}\n"
        for k in range(2)
    )
    return (
        f"---\nslug: worst-case-{number}\ntitle: Worst case {number} {'t' * 180}\n"
        f"summary: {'s' * 590}\nevent_date: 2026-11-20\nreported_at: 2026-11-20T10:00:00Z\n"
        "topics: [diplomacy, aid]\nactors: [south-korea, russia]\nstatus: reported\n"
        f"importance: 2\nsources:\n{sources}figures:\n{figures}---\n{'b' * 3500}\n"
    )


def worst_case_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(MAX_ZIP_MEMBERS):
            archive.writestr(f"worst-{number:04d}.md", full_brief(number))
    return buffer.getvalue()


class Phase:
    """A worker-thread step of the import, wrapped to tell when it starts and ends."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.started = threading.Event()
        self.finished = threading.Event()

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any) -> Any:
            self.started.set()
            try:
                return function(*args)
            finally:
                self.finished.set()

        return wrapped


async def sample_lag(lags: list[float], stop: asyncio.Event) -> None:
    """How late each 10 ms sleep wakes up: the time the loop was busy with something else."""
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - before - 0.01)


async def test_readers_are_answered_while_a_worst_case_archive_imports(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload = worst_case_archive()
    assert sum(len(full_brief(n)) for n in range(MAX_ZIP_MEMBERS)) <= MAX_UNCOMPRESSED_BYTES
    assert 119 * MAX_ZIP_MEMBERS <= MAX_UPLOAD_NODES
    parsing, validating = Phase("parsing"), Phase("validating")
    monkeypatch.setattr(
        bot.brief_uploads,
        "documents_from_upload",
        parsing.wrap(bot.brief_uploads.documents_from_upload),
    )
    monkeypatch.setattr(
        bot.service, "validate_documents", validating.wrap(bot.service.validate_documents)
    )
    lags: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_lag(lags, stop))
    s = world.server

    started = time.perf_counter()
    record = world.discord.start_command(
        s.guild,
        editor(world, "bulk-editor"),
        "brief-admin import",
        channel=s.channel,
        file=world.discord.upload("worst.zip", upload),
    )
    for phase in (parsing, validating):
        assert await asyncio.to_thread(phase.started.wait, 60), f"{phase.name} never started"
        reply = await world.run(s.reader, "brief latest")

        assert reply.embeds, f"/brief latest got no cards while {phase.name}: {reply!r}"
        assert not phase.finished.is_set(), f"the reader waited until {phase.name} was over"

    reply = await world.discord.wait_reply(record, timeout=300)
    elapsed = time.perf_counter() - started
    stop.set()
    await sampler

    assert reply.content == "Imported 2000 new, 0 updated, 0 unchanged.", reply.content
    lags.sort()
    p99 = lags[int(len(lags) * 0.99)]
    # Reported, not asserted: on a shared 2-core machine the numbers depend on the neighbours.
    print(
        f"\nimport of {len(upload):,} bytes took {elapsed:.1f} s; loop lag over "
        f"{len(lags)} samples: median {statistics.median(lags) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms, max {lags[-1] * 1000:.1f} ms"
    )
