"""Claims with provenance: a hedge is never dropped, a relay is not a second confirmation,
a date the source does not state says where it comes from, a home page is not the article."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.brief_files import read_brief_files
from bot.domain.claims import Qualifier, display_problem, infer_qualifier
from bot.domain.validation import EntryValidationError, validate_entry
from bot.domain.vocabulary import Vocabulary
from bot.service import BriefingService
from bot.usecases.import_checks import ImportRejected
from tests.factories import raw_entry

from .conftest import NOW, Cli

TODAY = NOW.date()
TROOPS = "North Korean troops deployed to Russia"


def figure(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "display": "at least 1,500",
        "qualifier": "at_least",
        "unit": "troops",
        "counts": TROOPS,
        "subject": "nk-troops-in-russia",
        "originator": "South Korea's NIS",
        "status": "confirmed",
    }
    return data | overrides


def problems(**overrides: Any) -> list[str]:
    with pytest.raises(EntryValidationError) as caught:
        validate_entry(raw_entry(figures=[figure(**overrides)]), Vocabulary(), TODAY)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("display", "qualifier", "says"),
    [
        ("1.5 million", "about", "drops the qualifier 'about'"),
        ("1,500", "at_least", "drops the qualifier 'at least'"),
        ("roughly 1,500", "at_least", "says 'roughly', but the qualifier is 'at least'"),
        ("up to 12,000", "as_many_as", "says 'up to', but the qualifier is 'as many as'"),
        ("up to 10:1", "exactly", "says 'up to', but the qualifier is 'exactly'"),
    ],
)
def test_a_display_that_drops_or_changes_the_sources_hedge_is_refused(
    display: str, qualifier: str, says: str
) -> None:
    (problem,) = problems(display=display, qualifier=qualifier)

    assert problem.startswith("figures[1].display: ")
    assert says in problem


@pytest.mark.parametrize(
    ("display", "qualifier"),
    [
        ("at least 1,500", Qualifier.AT_LEAST),
        ("as many as 12,000", Qualifier.AS_MANY_AS),
        ("up to 12,000", Qualifier.UP_TO),
        ("approximately 1.5 million", Qualifier.ABOUT),
        ("around 200,000", Qualifier.ABOUT),
        ("more than a third", Qualifier.MORE_THAN),
        ("over 300,000", Qualifier.MORE_THAN),
        ("fewer than 100", Qualifier.FEWER_THAN),
        ("at most 3", Qualifier.AT_MOST),
        ("10:1", Qualifier.EXACTLY),
        ("1,000–2,000", Qualifier.RANGE),
        ("between 1,000 and 2,000", Qualifier.RANGE),
    ],
)
def test_the_qualifier_of_a_display_is_read_from_its_words(
    display: str, qualifier: Qualifier
) -> None:
    assert infer_qualifier(display) is qualifier
    assert display_problem(display, qualifier) is None


def test_a_range_keeps_both_ends_and_needs_its_top() -> None:
    content = validate_entry(
        raw_entry(figures=[figure(display="1,000–2,000", qualifier="range", value=None)]),
        Vocabulary(),
        TODAY,
    )
    assert (content.figures[0].value, content.figures[0].high) == (1000, 2000)
    assert problems(display="1,000–2,000", qualifier="range", value=1000, high=900) == [
        "figures[1].high: must be above the low value (1000)"
    ]
    assert problems(display="at least 1,500", high=2000) == [
        "figures[1].high: only a range (qualifier: range) has a high value"
    ]


def test_originator_and_relays_from_a_file_and_from_a_form_line() -> None:
    from_file = validate_entry(
        raw_entry(figures=[figure(relays=["President Yoon Suk Yeol"])]), Vocabulary(), TODAY
    ).figures[0]
    from_form = validate_entry(
        raw_entry(
            figures=(
                f"at least 1,500 | {TROOPS} | South Korea's NIS (relayed by President Yoon Suk"
                " Yeol) | confirmed | nk-troops-in-russia"
            )
        ),
        Vocabulary(),
        TODAY,
    ).figures[0]

    for claim in (from_file, from_form):
        assert claim.originator == "South Korea's NIS"
        assert claim.relays == ("President Yoon Suk Yeol",)
        assert claim.qualifier is Qualifier.AT_LEAST
    assert problems(relays=["South Korea's NIS"]) == [
        "figures[1].relays: the originator cannot also relay its own claim"
    ]
    assert problems(qualifer="at_least") == ["figures[1].qualifer: unknown field"]


async def test_an_old_brief_file_without_qualifiers_still_imports(
    service: BriefingService, tmp_path: Path
) -> None:
    old = tmp_path / "old-style.md"
    old.write_text(
        "---\nslug: old-style\ntitle: An entry written before claims had qualifiers\n"
        "summary: Ukrainian sources claim more troops.\nevent_date: 2024-10-19\n"
        "topics: [deployment]\nactors: [north-korea]\nstatus: reported\nimportance: 2\n"
        "sources:\n  - name: Kyiv Post\n    url: https://www.kyivpost.com/\n"
        'figures:\n  - display: "up to 12,000"\n    value: 12000\n'
        f"    counts: {TROOPS}\n    subject: nk-troops-in-russia\n"
        "    claimed_by: Ukrainian military sources\n    status: unconfirmed\n---\n"
    )

    await service.import_documents(read_brief_files([old]).documents, "cli")

    (claim,) = (await service.show("old-style")).content.figures
    assert (claim.qualifier, claim.originator, claim.relays) == (
        Qualifier.UP_TO,
        "Ukrainian military sources",
        (),
    )


async def test_a_brief_file_that_drops_a_hedge_is_not_imported(
    service: BriefingService, briefs_copy: Path
) -> None:
    shells = briefs_copy / "north-korean-shells-and-missiles-for-russia.md"
    shells.write_text(
        shells.read_text().replace('display: "approximately 1.5 million"', 'display: "1.5 million"')
    )

    with pytest.raises(ImportRejected) as caught:
        await service.import_documents(read_brief_files([briefs_copy]).documents, "cli")

    assert caught.value.problems == (
        f"{shells}: figures[1].display: '1.5 million' drops the qualifier 'about'; write the "
        "number as the source does, e.g. 'about 1.5 million'",
    )
    assert await service.count() == 0


def test_figures_json_groups_a_claim_with_its_relays(cli: Cli) -> None:
    code, out, err = cli("figures", "--format", "json")

    assert code == 0, err
    subjects = {group["subject"]: group["claims"] for group in json.loads(out)}
    troops = subjects["nk-troops-in-russia"]
    assert [
        {key: claim[key] for key in ("value", "qualifier", "unit", "originator", "relays")}
        | {"status": claim["status"], "date": claim["date"]}
        for claim in troops
    ] == [
        {
            "value": 1500,
            "qualifier": "at_least",
            "unit": "troops",
            "originator": "South Korea's National Intelligence Service (NIS)",
            "relays": ["President Yoon Suk Yeol"],
            "status": "confirmed",
            "date": "2024-10-18",
        },
        {
            "value": 12000,
            "qualifier": "as_many_as",
            "unit": "troops",
            "originator": "Unnamed Ukrainian military sources",
            "relays": [],
            "status": "unconfirmed",
            "date": "2024-10-19",
        },
    ]
    assert troops[0]["entries"] == [
        "nis-confirms-north-korean-special-forces-in-russia",
        "yoon-rutte-call-south-korea-will-not-stand-idle",
    ]
    assert troops[1]["date_basis"] == "editor"


def test_a_relayed_claim_is_listed_once_in_the_figures_and_the_digest(
    cli: Cli,
) -> None:
    figures = cli("figures", "--subject", "nk-troops-in-russia")[1]
    digest = cli("digest", "--date", "2024-10-21", "--tz", "Asia/Seoul")[1]

    for text in (figures, digest):
        assert text.count("at least 1,500 — ") == 1
        assert (
            "at least 1,500 — South Korea's National Intelligence Service (NIS) (relayed by"
            " President Yoon Suk Yeol) · confirmed" in text
        )
        assert "President Yoon Suk Yeol / South Korean government" not in text
    assert figures.count("— ") == 2  # two claims: the NIS's and the Ukrainian sources'


def test_dates_the_source_does_not_state_say_where_they_come_from(cli: Cli) -> None:
    treaty = cli("show", "north-korea-russia-treaty-condemned-by-seoul")[1]
    figures = cli("figures", "--subject", "nk-troops-in-russia")[1]

    assert "event 19 Jun 2024, date from public record" in treaty
    assert "19 June 2024" not in treaty.split("\n\n")[1]  # the summary says "In June 2024"
    assert "(19 Oct 2024, date inferred by the editor;" in figures
    assert "(18 Oct 2024, date from public record;" in figures


def test_a_source_without_a_link_says_so(cli: Cli, tmp_path: Path) -> None:
    brief = tmp_path / "no-link.md"
    brief.write_text(
        "---\nslug: no-link-source\ntitle: A briefing from a printed source\n"
        "summary: Read in print.\nevent_date: 2024-10-19\ntopics: [deployment]\n"
        "actors: [north-korea]\nstatus: reported\nimportance: 1\n"
        "sources:\n  - name: Printed bulletin\n    outlet: Example Daily\n"
        "    published: 2024-10-20\n---\n"
    )
    assert cli("import", str(brief))[0] == 0

    out = cli("show", "no-link-source")[1]

    assert "Printed bulletin (Example Daily), 20 Oct 2024 (no link given)" in out


def test_containers_where_a_qualifier_or_relays_go_are_refused_by_name() -> None:
    assert problems(qualifier=["at_least"]) == [
        "figures[1].qualifier: must be one of the qualifiers, not a list"
    ]
    assert problems(relays={"a": [1, 2]}) == ["figures[1].relays: must be a list of names"]
    assert problems(originator=["NIS"]) == ["figures[1].originator: must be text"]
    with pytest.raises(EntryValidationError) as caught:
        validate_entry(raw_entry(event_date_basis={"a": 1}), Vocabulary(), TODAY)
    assert [str(p) for p in caught.value.problems] == [
        "event_date_basis: must be one of the date bases, not a dict"
    ]
