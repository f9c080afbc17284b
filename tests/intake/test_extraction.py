"""What the extractor reads in news copy: number formats, hedges, claimants, non-figures."""

from __future__ import annotations

import pytest

from bot.domain.claims import Qualifier
from bot.domain.extraction.figures import extract_figures
from bot.domain.extraction.numbers import find_numbers
from tests.intake import quality


@pytest.mark.parametrize(
    ("text", "shown", "value", "high", "qualifier"),
    [
        ("at least 1,500 troops", "at least 1,500", 1500, None, Qualifier.AT_LEAST),
        ("1.5 million shells", "1.5 million", 1_500_000, None, Qualifier.EXACTLY),
        ("roughly 12K troops", "roughly 12K", 12_000, None, Qualifier.ABOUT),
        ("10,000-12,000 soldiers", "10,000-12,000", 10_000, 12_000, Qualifier.RANGE),
        (
            "between 8,000 and 10,000 troops",
            "between 8,000 and 10,000",
            8_000,
            10_000,
            Qualifier.RANGE,
        ),
        ("tens of thousands of shells", "tens of thousands", 20_000, None, Qualifier.ABOUT),
        ("more than a third of shells", "more than a third", 1 / 3, None, Qualifier.MORE_THAN),
        ("a ratio of 10:1", "10:1", 10, None, Qualifier.EXACTLY),
        ("twelve thousand troops", "twelve thousand", 12_000, None, Qualifier.EXACTLY),
        ("as many as 12,000 troops", "as many as 12,000", 12_000, None, Qualifier.AS_MANY_AS),
        ("up to 100 missiles", "up to 100", 100, None, Qualifier.UP_TO),
        ("as much as $2 billion", "as much as $2 billion", 2e9, None, Qualifier.AS_MANY_AS),
    ],
)
def test_number_formats(
    text: str, shown: str, value: float, high: float | None, qualifier: Qualifier
) -> None:
    (number,) = find_numbers(text)
    assert (number.text, number.high, number.qualifier) == (shown, high, qualifier)
    assert number.value == pytest.approx(value)


@pytest.mark.parametrize(
    "text",
    [
        "On October 18, 2024, the brigade moved.",
        "A KN-23 missile of the 528th brigade, under Article 51 and Resolution 2397.",
        "Updated 10:05 Jan 14, 2025",
        "38 North and the G7 said so in the first half of 2023.",
        "Two nations met; one reported it.",
    ],
)
def test_dates_designations_and_words_are_not_numbers(text: str) -> None:
    assert find_numbers(text) == []


def test_claimant_relays_hedge_and_status() -> None:
    text = (
        "Reuters, citing a senior Ukrainian intelligence official, reported that up to 3,000 "
        "troops were training near Ussuriysk.\n"
        "Russian milbloggers claimed that as many as 5,000 North Korean personnel were fighting, "
        "although this could not be independently verified.\n"
        "Lee Seong-kweun told reporters that the NIS believed North Korea had deployed roughly "
        "12K troops.\n"
        "Share this article 12 comments"
    )
    relayed, claimed, nested = extract_figures(text)
    assert (relayed.claimant, relayed.relays) == (
        "senior Ukrainian intelligence official",
        ("Reuters",),
    )
    assert claimed.claimant == "Russian milbloggers" and claimed.status.value == "unconfirmed"
    assert "claimed" in claimed.hedge and "could not be independently verified" in claimed.hedge
    assert (nested.claimant, nested.relays) == ("NIS", ("Lee Seong-kweun",))
    assert nested.quantity == "troops"


@pytest.mark.parametrize("held_out", [False, True])
def test_labelled_set_meets_the_targets(held_out: bool) -> None:
    score = quality.score(held_out=held_out)
    assert score.precision >= 0.90 and score.recall >= 0.90
    assert score.share(score.claimant_ok) >= 0.80
