"""Validation: every bad field is named, every problem is reported at once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.domain.claims import Qualifier
from bot.domain.entries import Source, Status
from bot.domain.figures import parse_figure_value
from bot.domain.validation import EntryValidationError, validate_entry
from bot.domain.vocabulary import Vocabulary
from tests.factories import raw_entry

TODAY = date(2024, 10, 22)


def problems_for(**overrides: Any) -> dict[str, str]:
    """Validate a raw entry with some fields replaced; the problems as {field: message}."""
    raw = raw_entry(**overrides)
    with pytest.raises(EntryValidationError) as caught:
        validate_entry(raw, Vocabulary(), TODAY)
    return {problem.field: problem.message for problem in caught.value.problems}


def test_valid_typed_yaml_input_becomes_entry_content() -> None:
    raw = raw_entry(
        event_date=date(2024, 10, 20),
        reported_at=datetime(2024, 10, 21, 9, 0, tzinfo=UTC),
        sources=[
            {
                "name": "Kyiv Post",
                "url": "https://www.kyivpost.com/",
                "published": date(2024, 10, 21),
            }
        ],
        figures=[
            {
                "display": "up to 12,000",
                "value": 12000,
                "counts": "North Korean troops deployed to Russia",
                "subject": "nk-troops-in-russia",
                "claimed_by": "Ukrainian military sources",
                "status": "unconfirmed",
            }
        ],
        body="  Context paragraph.  ",
    )

    content = validate_entry(raw, Vocabulary(), TODAY)

    assert content.slug == "nk-troops-seen-in-kursk"
    assert content.event_date == date(2024, 10, 20)
    assert content.status is Status.REPORTED
    assert content.body == "Context paragraph."
    assert content.sources == (
        Source("Kyiv Post", "https://www.kyivpost.com/", date(2024, 10, 21)),
    )
    (figure,) = content.figures
    assert (figure.value, figure.display, figure.subject) == (
        12000,
        "up to 12,000",
        "nk-troops-in-russia",
    )
    assert figure.status is Status.UNCONFIRMED


def test_valid_modal_style_text_lines_become_entry_content() -> None:
    raw = raw_entry(
        slug="",
        importance="3",
        topics="deployment, intelligence",
        actors="north-korea russia",
        reported_at="2024-10-21T09:00",
        sources="Kyiv Post | https://www.kyivpost.com/ | 2024-10-21\nNIS | https://www.nis.go.kr/",
        figures=(
            "1,500 | North Korean troops deployed to Russia | NIS | confirmed\n"
            "up to 12,000 | North Korean troops deployed to Russia | Ukraine | unconfirmed"
        ),
    )

    content = validate_entry(raw, Vocabulary(), TODAY)

    assert content.slug == "north-korean-troops-seen-in-kursk"  # derived from the title
    assert content.importance == 3
    assert content.topics == ("deployment", "intelligence")
    assert content.actors == ("north-korea", "russia")
    assert content.reported_at == datetime(2024, 10, 21, 9, 0, tzinfo=UTC)
    assert [s.name for s in content.sources] == ["Kyiv Post", "NIS"]
    assert content.sources[0].published == date(2024, 10, 21)
    assert [(f.value, f.qualifier, f.originator, f.status) for f in content.figures] == [
        (1500, Qualifier.EXACTLY, "NIS", Status.CONFIRMED),
        (12000, Qualifier.UP_TO, "Ukraine", Status.UNCONFIRMED),
    ]
    assert {f.subject for f in content.figures} == {"north-korean-troops-deployed-to-russia"}


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"title": None}, "title", "required"),
        ({"title": "   "}, "title", "required"),
        ({"title": "x" * 201}, "title", "at most 200"),
        ({"title": "Line one\nline two"}, "title", "single line"),
        ({"title": 42}, "title", "text"),
        ({"summary": ""}, "summary", "required"),
        ({"summary": "s" * 601}, "summary", "at most 600"),
        ({"summary": "bell\x07"}, "summary", "control characters"),
        ({"body": "b" * 4001}, "body", "at most 4000"),
        ({"slug": "Not A Slug"}, "slug", "lowercase"),
        ({"slug": "ab"}, "slug", "lowercase"),
        ({"slug": "double--hyphen"}, "slug", "lowercase"),
        ({"slug": "2024"}, "slug", "entry id"),
        ({"event_date": "2024-02-30"}, "event_date", "not a valid date"),
        ({"event_date": None}, "event_date", "required"),
        ({"event_date": "1900-01-01"}, "event_date", "before 1945"),
        ({"event_date": "2030-01-01"}, "event_date", "future"),
        ({"event_date": 20241020}, "event_date", "must be a date"),
        ({"reported_at": "yesterday"}, "reported_at", "ISO 8601"),
        ({"reported_at": "2031-01-01T00:00:00+00:00"}, "reported_at", "future"),
        ({"topics": ["weather"]}, "topics", "unknown weather"),
        ({"topics": []}, "topics", "at least one"),
        ({"actors": "mars"}, "actors", "unknown mars"),
        ({"actors": None}, "actors", "at least one"),
        ({"status": "rumoured"}, "status", "not one of"),
        ({"status": None}, "status", "required"),
        ({"importance": 0}, "importance", "1, 2 or 3"),
        ({"importance": 4}, "importance", "1, 2 or 3"),
        ({"importance": "x"}, "importance", "1, 2 or 3"),
        ({"importance": True}, "importance", "1, 2 or 3"),
        ({"sources": None}, "sources", "at least one source"),
        ({"sources": []}, "sources", "at least one source"),
        ({"sources": "Kyiv Post | javascript:alert(1)"}, "sources[1].url", "http"),
        ({"sources": "Local | file:///etc/passwd"}, "sources[1].url", "http"),
        ({"sources": "Kyiv Post | https://"}, "sources[1].url", "not a valid web address"),
        ({"sources": "just a name, no address"}, "sources[1]", "Name | https://"),
        ({"sources": [{"url": "https://example.org/"}]}, "sources[1].name", "required"),
        ({"sources": "Paper | https://example.org/ | someday"}, "sources[1].published", "date"),
        ({"figures": "1,500 | troops"}, "figures[1]", "value | what it counts"),
        ({"figures": "1,500 | troops | NIS | maybe"}, "figures[1].status", "not one of"),
        ({"figures": "many | troops | NIS | confirmed"}, "figures[1].value", "no number"),
        ({"figures": [42]}, "figures[1]", "value | what it counts"),
        (
            {
                "figures": [
                    {
                        "display": "1,500",
                        "value": True,
                        "counts": "t",
                        "claimed_by": "NIS",
                        "status": "confirmed",
                    }
                ]
            },
            "figures[1].value",
            "number",
        ),
        (
            {
                "figures": [
                    {
                        "display": "1,500",
                        "counts": "t",
                        "claimed_by": "NIS",
                        "status": "confirmed",
                        "subject": "Bad Key",
                    }
                ]
            },
            "figures[1].subject",
            "lowercase",
        ),
        ({"colour": "red"}, "colour", "unknown field"),
    ],
)
def test_bad_input_names_the_field(overrides: dict[str, Any], field: str, says: str) -> None:
    found = problems_for(**overrides)

    assert field in found, found
    assert says in found[field]


def test_every_problem_is_reported_at_once() -> None:
    found = problems_for(
        title="",
        summary="",
        event_date="2024-02-30",
        topics=["weather"],
        actors=[],
        status="rumoured",
        importance=4,
        sources="Kyiv Post | javascript:alert(1)",
        figures="lots | troops | NIS | confirmed",
    )

    assert set(found) == {
        "title",
        "summary",
        "event_date",
        "topics",
        "actors",
        "status",
        "importance",
        "sources[1].url",
        "figures[1].value",
    }


def test_error_message_lists_problems_as_field_colon_message() -> None:
    with pytest.raises(EntryValidationError) as caught:
        validate_entry(raw_entry(status="rumoured"), Vocabulary(), TODAY)

    assert str(caught.value).startswith("status: 'rumoured' is not one of: confirmed")


def test_tomorrow_is_allowed_for_time_zones_ahead() -> None:
    content = validate_entry(raw_entry(event_date="2024-10-23"), Vocabulary(), TODAY)

    assert content.event_date == date(2024, 10, 23)


@pytest.mark.parametrize(
    ("display", "value"),
    [
        ("1,500", 1500),
        ("at least 1,500", 1500),
        ("up to 12,000", 12000),
        ("1.5 million", 1_500_000),
        ("around 200,000", 200_000),
        ("12,000,000", 12_000_000),
        ("3 bn", 3e9),
        ("5k", 5000),
        ("10 km", 10),
        ("more than a third", 0.3333),
        ("half", 0.5),
        ("10:1", 10),
        ("many", None),
        ("", None),
    ],
)
def test_parse_figure_value(display: str, value: float | None) -> None:
    assert parse_figure_value(display) == value


def test_a_title_that_is_only_a_number_gets_a_slug_that_is_not_an_id() -> None:
    content = validate_entry(raw_entry(slug=None, title="1500"), Vocabulary(), TODAY)

    assert content.slug == "entry-1500"
