"""The figure-subject index behind /brief figures and its autocomplete stays exact through
adds, edits, deletes, restores and imports, and is filled from claims already on file when
an existing database is upgraded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiosqlite

from bench import synth
from bot.clock import FixedClock
from bot.domain.vocabulary import Vocabulary
from bot.service import BriefingService
from bot.storage.database import apply_migrations, open_database
from bot.storage.entry_store import EntryStore
from tests.factories import raw_entry

TROOPS = "North Korean troops deployed to Russia"
SHELLS = "Artillery shells sent to Russia"


def figure(display: str, counts: str, claimed_by: str = "NIS") -> dict[str, Any]:
    return {"display": display, "counts": counts, "claimed_by": claimed_by, "status": "reported"}


async def listed(service: BriefingService, typed: str = "") -> list[tuple[str, str]]:
    return await service.figure_subjects(typed)


async def test_subjects_follow_every_change_to_the_claims(service: BriefingService) -> None:
    await service.add(
        raw_entry(
            slug="first",
            event_date="2024-10-18",
            figures=[figure("1,500", TROOPS), figure("1 million", SHELLS)],
        ),
        "ana",
    )
    await service.add(
        raw_entry(
            slug="second",
            event_date="2024-10-20",
            figures=[
                figure("up to 12,000", "North Korean soldiers in Russia", "HUR")
                | {"subject": "north-korean-troops-deployed-to-russia"}
            ],
        ),
        "ana",
    )
    # Newest first; a subject is shown in the words of its newest claim.
    assert await listed(service) == [
        ("north-korean-troops-deployed-to-russia", "North Korean soldiers in Russia"),
        ("artillery-shells-sent-to-russia", SHELLS),
    ]
    assert await listed(service, "SHELL") == [("artillery-shells-sent-to-russia", SHELLS)]
    assert await listed(service, "troops-dep") == [
        ("north-korean-troops-deployed-to-russia", "North Korean soldiers in Russia")
    ]

    # An edit that drops the shells claim removes the subject; the troops claim stays.
    await service.edit(
        "first",
        raw_entry(slug="first", event_date="2024-10-18", figures=[figure("1,500", TROOPS)]),
        "ben",
    )
    assert [s for s, _ in await listed(service)] == ["north-korean-troops-deployed-to-russia"]

    # Deleting the newer entry brings back the older wording; restoring it, the newer one.
    await service.delete("second", "ben")
    assert await listed(service) == [("north-korean-troops-deployed-to-russia", TROOPS)]
    await service.delete("first", "ben")
    assert await listed(service) == []
    assert (await service.figures()).groups == ()
    await service.restore("second", "ben")
    view = await service.figures()
    assert [g.subject for g in view.groups] == ["north-korean-troops-deployed-to-russia"]
    assert view.total_subjects == 1 and view.notice is None


async def test_an_upgraded_database_lists_the_subjects_already_on_file(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "old.sqlite3"
    entries, _, figures, _ = synth.batch(0, 300, 300)
    deleted = entries[-1][0]
    async with aiosqlite.connect(path, isolation_level=None) as raw:
        assert await apply_migrations(raw, target=5) == 5
        await raw.executemany(synth.ENTRY_SQL, entries)
        await raw.executemany(synth.FIGURE_SQL, figures)
        await raw.execute("UPDATE entries SET deleted_at = updated_at WHERE id = ?", (deleted,))
        await raw.commit()

    database = await open_database(path)
    try:
        service = BriefingService(EntryStore(database), clock, Vocabulary())
        live = {f[2] for f in figures if f[0] != deleted}
        view = await service.figures()
        assert view.total_subjects == len(live)
        assert len(view.groups) == 10 and view.notice is not None
        assert {g.subject for g in view.groups} <= live
        # The ten shown are the ten whose newest claim is newest.
        dates = {e[0]: e[5] for e in entries}
        newest: dict[str, str] = {}
        for f in figures:
            if f[0] != deleted:
                newest[f[2]] = max(newest.get(f[2], ""), dates[f[0]])
        cutoff = sorted(newest.values(), reverse=True)[9]
        assert all(newest[g.subject] >= cutoff for g in view.groups)
    finally:
        await database.close()
