"""The digest composer: figures side by side, quiet days, trimming to a budget."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.brief_files import read_brief_files
from bot.clock import FixedClock
from bot.domain.digest import Digest, DigestOptions, compose_digest
from bot.domain.entries import Entry, FigureClaim
from bot.domain.text import shorten
from bot.domain.validation import validate_entry
from bot.domain.vocabulary import Vocabulary
from bot.rendering.text import render_digest
from bot.service import BriefingService
from tests.factories import raw_entry

from .conftest import BRIEFS, NIS_SLUG, NOW

DAY = date(2024, 10, 21)
SEOUL = ZoneInfo("Asia/Seoul")
TROOPS = "North Korean troops deployed to Russia"


def entry(entry_id: int, **overrides: Any) -> Entry:
    overrides.setdefault("slug", f"entry-{entry_id}")
    content = validate_entry(raw_entry(**overrides), Vocabulary(), DAY)
    return Entry(entry_id, content, "ana", NOW, "ana", NOW, 1)


def claims_of(*entries: Entry) -> list[FigureClaim]:
    return [
        FigureClaim(figure, e.slug, e.title, e.content.event_date)
        for e in entries
        for figure in e.content.figures
    ]


NIS = entry(
    1,
    title="NIS confirms special forces",
    importance=3,
    event_date="2024-10-18",
    figures=f"1,500 | {TROOPS} | NIS | confirmed",
)
HUR = entry(
    2,
    title="Ukrainian sources claim more",
    event_date="2024-10-19",
    topics=["intelligence"],
    figures=f"up to 12,000 | {TROOPS} | Ukrainian military sources | unconfirmed",
)


def text_of(digest: Digest) -> str:
    return render_digest(digest)


def test_conflicting_figures_are_grouped_side_by_side() -> None:
    digest = compose_digest([HUR, NIS], claims_of(NIS, HUR), DigestOptions(DAY))

    (group,) = digest.key_figures
    assert group.is_contested
    assert [
        (c.figure.display, c.figure.originator, c.figure.status.value) for c in group.claims
    ] == [
        ("1,500", "NIS", "confirmed"),
        ("up to 12,000", "Ukrainian military sources", "unconfirmed"),
    ]
    assert (
        f"{TROOPS}: 1,500 — NIS · confirmed; "
        "up to 12,000 — Ukrainian military sources · unconfirmed claim" in text_of(digest)
    )


def test_most_important_first_and_sections_by_topic() -> None:
    digest = compose_digest([HUR, NIS], claims_of(NIS, HUR), DigestOptions(DAY))

    assert [item.slug for item in digest.headlines] == [NIS.slug, HUR.slug]
    assert [(s.topic, [i.slug for i in s.items]) for s in digest.sections] == [
        ("deployment", [NIS.slug]),
        ("intelligence", [HUR.slug]),
    ]
    assert [s.name for s in digest.sources] == ["Kyiv Post"]  # the same URL is listed once


def test_quiet_day_points_to_the_most_recent_entry() -> None:
    digest = compose_digest([], claims_of(NIS, HUR), DigestOptions(DAY), latest=HUR)

    assert digest.is_quiet
    assert digest.latest is not None and digest.latest.slug == HUR.slug
    text = text_of(digest)
    assert "No new developments since the last digest." in text
    assert "Most recent entry: [REPORTED] Ukrainian sources claim more (19 Oct 2024)" in text


def test_topic_filter_keeps_only_matching_entries() -> None:
    digest = compose_digest([HUR, NIS], [], DigestOptions(DAY, topics=("intelligence",)))

    assert [item.slug for item in digest.items] == [HUR.slug]


def test_trimming_to_a_budget_drops_least_important_first_and_says_so() -> None:
    entries = [
        entry(i, title=f"Development number {i}", importance=1 + i % 3) for i in range(1, 10)
    ]
    full = compose_digest(entries, [], DigestOptions(DAY))
    budget = len(text_of(full)) // 2

    trimmed = compose_digest(
        entries, [], DigestOptions(DAY, budget=budget), measure=lambda d: len(text_of(d))
    )

    assert len(text_of(trimmed)) <= budget
    assert trimmed.omitted == len(full.items) - len(trimmed.items) > 0
    kept = {item.importance for item in trimmed.items}
    dropped = {item.importance for item in full.items} - kept
    assert min(kept) >= max(dropped, default=0)
    assert f"+{trimmed.omitted} more: briefbot latest" in text_of(trimmed)
    assert not trimmed.is_quiet


def test_a_budget_that_is_already_met_changes_nothing() -> None:
    options = DigestOptions(DAY, budget=100_000)

    digest = compose_digest(
        [NIS, HUR], claims_of(NIS, HUR), options, measure=lambda d: len(text_of(d))
    )

    assert digest == compose_digest([NIS, HUR], claims_of(NIS, HUR), DigestOptions(DAY))


async def test_service_digest_of_the_imported_briefs(
    service: BriefingService, clock: FixedClock
) -> None:
    await service.import_documents(read_brief_files([BRIEFS]).documents, "seed")

    digest = await service.digest(SEOUL)
    text = render_digest(digest)

    assert digest.local_date == NOW.astimezone(SEOUL).date()
    assert NIS_SLUG in {item.slug for item in digest.headlines}
    assert (
        "at least 1,500 — South Korea's National Intelligence Service (NIS)"
        " (relayed by President Yoon Suk Yeol) · confirmed" in text
    )
    assert (
        "as many as 12,000 (North Korean troops that North Korea may have committed to assist"
        " Russia) — Unnamed Ukrainian military sources · unconfirmed claim" in text
    )


async def test_service_digest_on_a_quiet_day(service: BriefingService, clock: FixedClock) -> None:
    await service.import_documents(read_brief_files([BRIEFS]).documents, "seed")
    clock.moment += timedelta(days=3)

    digest = await service.digest(SEOUL)

    assert digest.is_quiet
    assert digest.latest is not None
    assert digest.latest.event_date == date(2024, 10, 21)
    assert digest.key_figures  # still shows where the main numbers stand
    assert "No new developments since the last digest." in render_digest(digest)


async def test_service_digest_topic_filter(service: BriefingService) -> None:
    await service.import_documents(read_brief_files([BRIEFS]).documents, "seed")

    digest = await service.digest(SEOUL, topics=("treaty",))

    assert [item.slug for item in digest.items] == ["north-korea-russia-treaty-condemned-by-seoul"]


def test_shorten_cuts_at_a_word_boundary() -> None:
    assert shorten("North Korean troops in Kursk", 18) == "North Korean…"
    assert shorten("short", 10) == "short"
    assert shorten("troops,\nshells and missiles", 12) == "troops…"


WORDS = st.lists(st.text("abcdefghij", min_size=1, max_size=12), min_size=1, max_size=30)


@given(WORDS, st.sampled_from([" ", "\n"]), st.integers(min_value=2, max_value=200))
def test_shorten_never_cuts_mid_word(words: list[str], separator: str, limit: int) -> None:
    text = separator.join(words)

    result = shorten(text, limit)

    assert len(result) <= limit
    if result != text and len(words[0]) < limit:
        kept = result.removesuffix("…").split()
        assert kept == text.split()[: len(kept)]


def test_digest_is_pure_and_repeatable(tmp_path: Path) -> None:
    once = compose_digest([NIS, HUR], claims_of(NIS, HUR), DigestOptions(DAY))

    assert once == compose_digest([NIS, HUR], claims_of(NIS, HUR), DigestOptions(DAY))
