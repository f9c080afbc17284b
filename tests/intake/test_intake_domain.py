"""Item identity, relevance and dates, as intake decides them before an editor sees anything."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.intake import Rules, draft, event_date, item_key, normalise_url, relevant
from bot.domain.provenance import DateBasis
from bot.domain.vocabulary import Vocabulary
from tests.intake.server import OFF_TOPIC, STORY


@pytest.mark.parametrize(
    "variant",
    [
        "https://News.Example:443/world/nk-troops/?utm_source=rss&utm_medium=feed",
        "https://news.example/world/nk-troops?fbclid=abc#comments",
        "https://news.example/world/nk-troops/?gclid=1&ref=homepage",
    ],
)
def test_tracking_parameters_do_not_make_a_new_item(variant: str) -> None:
    assert normalise_url(variant) == "https://news.example/world/nk-troops"
    assert item_key(None, variant, "t") == item_key(
        None, "https://news.example/world/nk-troops", "x"
    )


def test_a_guid_wins_over_the_address() -> None:
    assert item_key("tag:wire,2024:1", "https://a.example/1", "t") == "guid:tag:wire,2024:1"
    assert (
        normalise_url("https://a.example/story?id=7&utm_campaign=x")
        == "https://a.example/story?id=7"
    )


def test_relevance_needs_the_story_and_obeys_the_feeds_rules() -> None:
    vocabulary = Vocabulary()
    assert relevant(STORY, vocabulary)
    assert not relevant(OFF_TOPIC, vocabulary)
    assert not relevant("North Korea held a football match.", vocabulary)  # no other actor or topic
    assert not relevant(STORY, vocabulary, Rules(exclude=("Vladivostok",)))
    assert not relevant(STORY, vocabulary, Rules(include=("sanctions",)))
    assert relevant(STORY, vocabulary, Rules(include=("special forces",)))


def test_relative_dates_are_resolved_against_publication_and_marked() -> None:
    published = date(2024, 10, 21)  # a Monday
    assert event_date("The NIS said on Friday that …", published) == (
        date(2024, 10, 18),
        DateBasis.EDITOR,
    )
    assert event_date("Officials said yesterday …", published) == (
        date(2024, 10, 20),
        DateBasis.EDITOR,
    )
    assert event_date("No day is named.", published) == (published, DateBasis.REPORT)


def test_a_draft_has_the_lead_tags_and_figures() -> None:
    found = draft("NK sends troops", STORY, date(2024, 10, 21), Vocabulary())
    assert found.summary.startswith("South Korea's National Intelligence Service said on Friday")
    assert found.event_date == date(2024, 10, 18)
    assert {"north-korea", "russia", "south-korea", "ukraine"} <= set(found.actors)
    assert [f.value for f in found.figures] == ["at least 1,500", "as many as 12,000"]
