"""``briefs/`` read against the seed article as a demanding news editor would.

Each check is one class of error found before: a hedge dropped or swapped, a condition
left out, a figure attributed differently from the article, an entry labelled confirmed
when its content is "reportedly", a date from outside the source shown as the source's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.brief_files import read_brief_files
from bot.domain.claims import Qualifier
from bot.domain.entries import EntryContent, Status
from bot.domain.provenance import DateBasis
from bot.domain.validation import validate_entry
from bot.domain.vocabulary import Vocabulary

from .conftest import BRIEFS, HUR_SLUG, NIS_SLUG, NOW

ARTICLE = Path("/work/shared/sources/000_171ebdd47803c8fe.txt")
RAW = {Path(d.name).stem: d.fields for d in read_brief_files([BRIEFS]).documents}
ENTRIES: dict[str, EntryContent] = {
    slug: validate_entry(fields, Vocabulary(), NOW.date()) for slug, fields in RAW.items()
}


def test_every_figure_states_its_hedge_explicitly_and_its_unit() -> None:
    for slug, fields in RAW.items():
        for index, figure in enumerate(fields.get("figures") or [], start=1):
            assert "qualifier" in figure, f"{slug}: figures[{index}] has no qualifier"
            assert figure.get("unit"), f"{slug}: figures[{index}] has no unit"


@pytest.mark.skipif(not ARTICLE.exists(), reason="the seed article is not on this machine")
def test_every_figure_is_written_as_the_article_writes_it() -> None:
    article = ARTICLE.read_text(encoding="utf-8").lower()
    for slug, content in ENTRIES.items():
        for f in content.figures:
            assert f.display.lower() in article, f"{slug}: {f.display!r} is not in the article"


def test_the_hur_entry_keeps_at_least_and_as_many_as() -> None:
    hur = ENTRIES[HUR_SLUG]
    (claim,) = hur.figures

    assert (claim.display, claim.qualifier) == ("as many as 12,000", Qualifier.AS_MANY_AS)
    assert "may have committed" in claim.counts  # a possible commitment, not a count
    text = f"{hur.title} {hur.summary} {hur.body}"
    assert "roughly 1,500" not in text and "up to 12,000" not in text
    assert '"at least 1,500"' in hur.body


def test_the_shells_entry_keeps_approximately_and_sometimes() -> None:
    shells = ENTRIES["north-korean-shells-and-missiles-for-russia"]

    assert shells.figures[0].display == "approximately 1.5 million"
    assert shells.figures[0].qualifier is Qualifier.ABOUT
    assert "sometimes by a ratio of 10:1" in shells.summary
    assert "up to 10:1" not in shells.summary


def test_the_export_ban_review_keeps_its_condition() -> None:
    review = ENTRIES["south-korea-reviews-lethal-arms-export-ban"]

    assert "if serious threats to South Korean national security are confirmed" in review.summary
    # the outcome is the review's, not the newspaper's hint
    assert review.summary.index("legal review") < review.summary.index("could lead to")
    assert review.summary.index("could lead to") < review.summary.index("Dong-A Ilbo")


def test_the_155mm_output_is_attributed_as_the_article_attributes_it() -> None:
    output = ENTRIES["south-korea-155mm-output-and-indirect-transfer"]

    assert "Dong-A Ilbo" in output.figures[0].originator
    assert "Dong-A Ilbo" in output.summary


def test_the_yoon_rutte_call_is_reported_while_the_nis_count_it_relays_is_confirmed() -> None:
    call = ENTRIES["yoon-rutte-call-south-korea-will-not-stand-idle"]
    (claim,) = call.figures

    assert call.status is Status.REPORTED
    assert (claim.status, claim.relays) == (Status.CONFIRMED, ("President Yoon Suk Yeol",))
    assert claim.originator == ENTRIES[NIS_SLUG].figures[0].originator


@pytest.mark.parametrize(
    ("slug", "basis"),
    [
        ("north-korea-russia-treaty-condemned-by-seoul", DateBasis.PUBLIC_RECORD),
        (NIS_SLUG, DateBasis.PUBLIC_RECORD),
        (HUR_SLUG, DateBasis.EDITOR),
        ("yoon-rutte-call-south-korea-will-not-stand-idle", DateBasis.REPORT),
        ("seoul-summons-russian-ambassador-zinoviev", DateBasis.REPORT),
    ],
)
def test_dates_from_outside_the_article_say_so(slug: str, basis: DateBasis) -> None:
    content = ENTRIES[slug]

    assert content.event_date_basis is basis
    # The article names no calendar date: none may appear in a summary as the article's.
    assert content.event_date.strftime("%-d %B") not in content.summary
