"""The per-user cooldown every platform shares: a window opened by a user's first use."""

from __future__ import annotations

from bot.domain.cooldowns import PRUNE_OVER, SEARCH, Cooldowns, Rate, slow_down


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_sixth_use_in_the_window_waits_for_it_to_close() -> None:
    ticks = Ticks()
    searches = Cooldowns(SEARCH, ticks)
    for _ in range(SEARCH.uses):
        assert searches.take("rob") is None
        ticks.now += 1.0
    assert searches.take("rob") == SEARCH.per_s - 5.0  # the window opened 5 s ago
    assert searches.take("eve") is None  # another user is unaffected
    ticks.now += 5.0
    assert searches.take("rob") is None  # a new window


def test_refused_uses_do_not_extend_the_wait() -> None:
    ticks = Ticks()
    imports = Cooldowns(Rate(1, 60.0), ticks)
    assert imports.take("ada") is None
    for _ in range(10):
        ticks.now += 5.0
        assert imports.take("ada") is not None
    ticks.now += 10.0
    assert imports.take("ada") is None


def test_closed_windows_are_forgotten() -> None:
    ticks = Ticks()
    searches = Cooldowns(SEARCH, ticks)
    for user in range(PRUNE_OVER):
        searches.take(user)
    ticks.now += SEARCH.per_s
    searches.take("late")
    assert searches.take(0) is None
    assert len(searches._windows) <= 2


def test_the_sentence_rounds_to_whole_seconds_and_never_says_zero() -> None:
    assert slow_down(7.4) == "Slow down: try again in 7 s."
    assert slow_down(0.2) == "Slow down: try again in 1 s."
