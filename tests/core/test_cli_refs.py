"""A typed number that no row can have is answered as "not found", not as a crash."""

from __future__ import annotations

import pytest

from .conftest import HUR_SLUG, Cli

TOO_BIG = "99999999999999999999"


@pytest.mark.parametrize("ref", [TOO_BIG, "²"])
def test_show_and_history_of_a_number_no_entry_can_have(cli: Cli, ref: str) -> None:
    for argv in (("show", ref), ("history", ref)):
        code, out, err = cli(*argv)

        assert code != 0
        assert out == ""
        assert err.splitlines() == [f"briefbot: no entry '{ref}'"]
    assert cli("show", HUR_SLUG)[0] == 0


@pytest.mark.parametrize("action", ["pause", "resume", "remove"])
def test_feed_commands_on_a_number_no_feed_can_have(cli: Cli, action: str) -> None:
    code, out, err = cli("feeds", action, TOO_BIG)

    assert code != 0
    assert out == ""
    assert err.splitlines() == [f"briefbot: no feed '{TOO_BIG}' (see briefbot feeds list)"]
